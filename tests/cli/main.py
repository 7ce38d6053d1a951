"""`buzon` itself: help, version, exit codes, every subcommand has --help."""
import re
from clitest import run, check, finish, json_lines

rc, out, err = run("--help")
check("--help exits 0", rc == 0)
check("--help documents the exit codes", "0  correcto" in out and "2  uso incorrecto" in out)
commands = re.findall(r"^  (\w[\w-]*) ", out.split("Subcomandos:")[1].split("\n\n")[0], re.M)
check("--help lists subcommands", "serve" in commands, str(commands))

for cmd in commands:
    rc, out, err = run(cmd, "--help")
    check(f"{cmd} --help exits 0 and says Uso", rc == 0 and out.startswith("Uso: buzon " + cmd),
          out[:80])

rc, out, err = run("--version")
check("--version prints the version", rc == 0 and re.match(r"^buzon \d+\.\d+\.\d+\n$", out), out)

rc, out, err = run()
check("no subcommand is bad usage (2)", rc == 2)

rc, out, err = run("frobnicate")
check("unknown subcommand is bad usage (2)", rc == 2)
e = json_lines(err)
check("unknown subcommand error is JSON with a code", e and e[0]["error"] == "unknown_command")

rc, out, err = run("serve", "--listen", "sin-puerto")
check("bad --listen is refused with 2", rc == 2 and "server.listen" in err, err)

rc, out, err = run("serve", env={"BUZON_SERVER_THREADS": "-1"})
check("bad environment value is refused at start-up", rc == 2 and "BUZON_SERVER_THREADS" in err
      and "-1" in err, err)

rc, out, err = run("serve", env={"BUZON_CLOCK_DEEMED_ON_DAY": "0"})
check("bad [clock] value is refused at start-up", rc == 2 and "clock.deemed_on_day" in err, err)

finish()
