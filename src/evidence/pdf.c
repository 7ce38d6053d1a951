/* pdf.c - the printable receipt (see pdf.h). */
#include "evidence/pdf.h"

#include "core/mem.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>
#include <qrencode.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A4 in points, and the layout of the page. */
static const double page_w = 595.0, page_h = 842.0, margin = 48.0, qr_module = 3.0;

static const char centro_zone[] = "America/Mexico_City";

struct page {
    cairo_t *cr;
    double y;
    double qr_bottom, qr_size; /* text beside the QR code keeps clear of it */
};

/* Draw text at the current line in font (pango description), wrapping, breaking pages. */
static void
text(struct page *pg, const char *font, const char *s, double indent)
{
    PangoLayout *layout = pango_cairo_create_layout(pg->cr);
    PangoFontDescription *desc = pango_font_description_from_string(font);
    int w, h;

    pango_layout_set_font_description(layout, desc);
    double width = page_w - 2 * margin - indent - (pg->y < pg->qr_bottom ? pg->qr_size + 12 : 0);

    pango_layout_set_width(layout, (int)(width * PANGO_SCALE));
    pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_text(layout, s, -1);
    pango_layout_get_pixel_size(layout, &w, &h);
    if (pg->y + h > page_h - margin) {
        cairo_show_page(pg->cr);
        pg->y = margin;
    }
    cairo_move_to(pg->cr, margin + indent, pg->y);
    pango_cairo_show_layout(pg->cr, layout);
    pg->y += h + 2;
    pango_font_description_free(desc);
    g_object_unref(layout);
}

static void
label_value(struct page *pg, const char *label, const char *value)
{
    char line[8192];

    snprintf(line, sizeof(line), "%s: %s", label, value);
    text(pg, "DejaVu Sans 9", line, 0);
}

/* The QR code of url in the top right corner, with its four-module quiet zone. */
static int
draw_qr(struct page *pg, const char *url, struct error *err)
{
    cairo_t *cr = pg->cr;
    QRcode *qr = QRcode_encodeString(url, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    double size, x0, y0;

    if (qr == NULL)
        return error_set(err, "qr_encode", "la dirección de verificación no cabe en un código QR");
    size = (qr->width + 8) * qr_module;
    x0 = page_w - margin - size;
    y0 = margin - 4 * qr_module;
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_rectangle(cr, x0, y0, size, size);
    cairo_fill(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    for (int row = 0; row < qr->width; row++)
        for (int col = 0; col < qr->width; col++)
            if (qr->data[row * qr->width + col] & 1)
                cairo_rectangle(cr, x0 + (col + 4) * qr_module, y0 + (row + 4) * qr_module,
                                qr_module, qr_module);
    cairo_fill(cr);
    QRcode_free(qr);
    pg->qr_size = size;
    pg->qr_bottom = y0 + size;
    return 0;
}

/* An instant in UTC, Centro time and, when the zone differs, legal time (Lineamientos 5.7,
 * 5.8). */
static void
instant_lines(struct page *pg, const char *label, int64_t us, const char *zone)
{
    char utc[EVIDENCE_UTC_MAX], local[128], line[512];

    evidence_utc_format(us, utc);
    snprintf(line, sizeof(line), "%s: %s (UTC)", label, utc);
    text(pg, "DejaVu Sans 9", line, 0);
    evidence__format_local(us, centro_zone, local, sizeof(local));
    snprintf(line, sizeof(line), "hora del Centro: %s", local);
    text(pg, "DejaVu Sans 8", line, 16);
    if (strcmp(zone, centro_zone) != 0) {
        evidence__format_local(us, zone, local, sizeof(local));
        snprintf(line, sizeof(line), "hora legal (%s): %s", zone, local);
        text(pg, "DejaVu Sans 8", line, 16);
    }
}

static void
header(struct page *pg, const struct evidence_receipt *r)
{
    const struct evidence_kind_spec *spec = evidence_kind_spec(r->kind);

    text(pg, "DejaVu Sans Bold 11", "Instituto Mexicano del Seguro Social", 0);
    text(pg, "DejaVu Sans 10", "Buzón IMSS", 0);
    pg->y += 8;
    text(pg, "DejaVu Sans Bold 13", spec->title, 0);
    pg->y += 6;
    label_value(pg, "Folio", r->folio);
    label_value(pg, "Tipo", spec->code);
    label_value(pg, "RFC", r->rfc);
    instant_lines(pg, "Emitido", r->issued_us, r->legal_zone);
    label_value(pg, "Zona horaria legal", r->legal_zone);
    label_value(pg, "Certificado de e.firma del firmante",
                r->signer_cert_number ? r->signer_cert_number : "(no firmó un particular)");
    label_value(pg, "Certificado de sello del IMSS", r->seal_cert_number);
}

static void
lists(struct page *pg, const struct evidence_receipt *r)
{
    char hex[65];

    pg->y += 6;
    text(pg, "DejaVu Sans Bold 10", "Referencias", 0);
    for (size_t i = 0; i < r->n_references; i++)
        label_value(pg, r->references[i].name, r->references[i].value);
    pg->y += 6;
    text(pg, "DejaVu Sans Bold 10", "Instantes", 0);
    for (size_t i = 0; i < r->n_instants; i++)
        instant_lines(pg, r->instants[i].name, r->instants[i].utc_us, r->legal_zone);
    pg->y += 6;
    text(pg, "DejaVu Sans Bold 10", "Documentos amparados (SHA-256)", 0);
    if (r->n_documents == 0)
        text(pg, "DejaVu Sans 9", "(ninguno)", 0);
    for (size_t i = 0; i < r->n_documents; i++) {
        for (int b = 0; b < 32; b++)
            snprintf(hex + 2 * b, 3, "%02x", r->documents[i].sha256[b]);
        text(pg, "DejaVu Sans 9", r->documents[i].name, 0);
        text(pg, "DejaVu Sans Mono 8", hex, 16);
    }
}

static void
seal_part(struct page *pg, const char *cadena, const char *sello, const char *url)
{
    pg->y += 8;
    text(pg, "DejaVu Sans Bold 10", "Cadena original", 0);
    text(pg, "DejaVu Sans Mono 7", cadena, 0);
    pg->y += 6;
    text(pg, "DejaVu Sans Bold 10", "Sello digital del IMSS", 0);
    text(pg, "DejaVu Sans Mono 7", sello, 0);
    pg->y += 6;
    label_value(pg, "Verificación", url);
    text(pg, "DejaVu Sans 8",
         "Este acuse puede comprobarse sin conexión con el programa libre «buzon verify» y su "
         "archivo JSON: la cadena original, el sello digital, el certificado de sello y su "
         "inclusión en el registro público de acuses.",
         0);
}

int
evidence_pdf_write(const struct evidence_receipt *r, const char *cadena, const char *sello,
                   const char *url, const char *path, struct error *err)
{
    cairo_surface_t *surface = cairo_pdf_surface_create(path, page_w, page_h);
    struct page pg = {NULL, margin, 0, 0};
    int rc = -1;

    if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS) {
        error_set(err, "pdf_write", "no se pudo escribir el PDF en %s", path);
        goto out;
    }
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE,
                                   evidence_kind_spec(r->kind)->title);
    pg.cr = cairo_create(surface);
    if (draw_qr(&pg, url, err) != 0)
        goto out;
    header(&pg, r);
    lists(&pg, r);
    seal_part(&pg, cadena, sello, url);
    cairo_show_page(pg.cr);
    cairo_surface_finish(surface);
    if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS) {
        error_set(err, "pdf_write", "no se pudo escribir el PDF en %s", path);
        goto out;
    }
    rc = 0;

out:
    if (pg.cr != NULL)
        cairo_destroy(pg.cr);
    cairo_surface_destroy(surface);
    return rc;
}
