"""aiosmtpd handler for the delivery tests: accepts mail into a Maildir.

Started as `python3 -m aiosmtpd -n -l 127.0.0.1:PORT -c maildir_handler.MaildirHandler DIR`.
Recipients whose local part starts with "rechaza" get a permanent refusal (550) and those
starting with "ocupado" a temporary one (451), so that the tests can see both classes. The
answer to DATA names the Maildir file, as real servers name their queue id, so a test can tie
the reply recorded as evidence to the message that arrived.
"""
import mailbox


class MaildirHandler:
    def __init__(self, path):
        self.box = mailbox.Maildir(path, create=True)

    @classmethod
    def from_cli(cls, parser, *args):
        """aiosmtpd passes the CLASSARGS of its command line here: the Maildir path."""
        if len(args) != 1:
            parser.error("MaildirHandler needs one argument: the Maildir path")
        return cls(args[0])

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("rechaza"):
            return "550 5.1.1 Mailbox unavailable"
        if address.startswith("ocupado"):
            return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 Ok"

    async def handle_DATA(self, server, session, envelope):
        key = self.box.add(envelope.original_content)
        return "250 2.0.0 Ok: queued as " + key
