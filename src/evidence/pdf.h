/*
 * pdf.h - the printable receipt: a PDF in Spanish with every field, the cadena
 * original, the sello digital and a QR code of the public verification URL
 * (design.md section 7).
 *
 * Rendered with cairo and pango; cairo embeds the subset of the DejaVu fonts
 * used, so the file shows the same anywhere. The QR code (libqrencode, error
 * correction level M) encodes the URL only.
 *
 * Thread-safety: each call uses its own cairo surface; safe from several
 * threads.
 */
#ifndef BUZON_EVIDENCE_PDF_H
#define BUZON_EVIDENCE_PDF_H

#include "core/error.h"
#include "evidence/receipt.h"

/*
 * Write the PDF of receipt r (in, sealed) with its cadena and sello (in) and
 * verification url (in) to the file path (in). Returns 0, or -1 with err
 * ("pdf_write" when the file cannot be written, "qr_encode" when the URL does
 * not fit a QR code).
 */
int evidence_pdf_write(const struct evidence_receipt *r, const char *cadena, const char *sello,
                       const char *url, const char *path, struct error *err);

#endif
