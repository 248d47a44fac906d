//! What an uploaded file really is, read from its bytes: the name and the type a client
//! claims are never trusted, since renaming a program to `report.pdf` costs nothing.

/// Every type the library can recognise from a file's contents, and so the most
/// `uploads.allowed_types` may allow.
pub const KNOWN_TYPES: &[&str] = &[
    PDF,
    DOCX,
    XLSX,
    PPTX,
    ODT,
    ODS,
    ODP,
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    CSV,
    TEXT,
];

const PDF: &str = "application/pdf";
const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const PPTX: &str = "application/vnd.openxmlformats-officedocument.presentationml.presentation";
const ODT: &str = "application/vnd.oasis.opendocument.text";
const ODS: &str = "application/vnd.oasis.opendocument.spreadsheet";
const ODP: &str = "application/vnd.oasis.opendocument.presentation";
const CSV: &str = "text/csv";
const TEXT: &str = "text/plain";
/// What we call bytes we cannot name.
pub const UNKNOWN: &str = "application/octet-stream";

/// One of `infer`'s checks for a single type.
type Matcher = fn(&[u8]) -> bool;

/// The media type of `bytes`. Office formats are ZIP files, so they are recognised by
/// the markers inside the archive before anything is called a plain ZIP. Text has no
/// magic number: valid UTF-8 without control characters is text, and only then does the
/// name choose between CSV and plain text, both of which are harmless.
pub fn media_type(bytes: &[u8], file_name: &str) -> &'static str {
    let checks: [(Matcher, &'static str); 11] = [
        (infer::archive::is_pdf, PDF),
        (infer::doc::is_docx, DOCX),
        (infer::doc::is_xlsx, XLSX),
        (infer::doc::is_pptx, PPTX),
        (infer::odf::is_odt, ODT),
        (infer::odf::is_ods, ODS),
        (infer::odf::is_odp, ODP),
        (infer::image::is_png, "image/png"),
        (infer::image::is_jpeg, "image/jpeg"),
        (infer::image::is_gif, "image/gif"),
        (infer::image::is_webp, "image/webp"),
    ];
    if let Some((_, kind)) = checks.iter().find(|(check, _)| check(bytes)) {
        return kind;
    }
    if let Some(kind) = infer::get(bytes) {
        return kind.mime_type();
    }
    if is_text(bytes) {
        let csv = file_name
            .rsplit_once('.')
            .is_some_and(|(_, ext)| ext.eq_ignore_ascii_case("csv"));
        return if csv { CSV } else { TEXT };
    }
    UNKNOWN
}

fn is_text(bytes: &[u8]) -> bool {
    !bytes.is_empty()
        && std::str::from_utf8(bytes).is_ok_and(|text| {
            !text
                .chars()
                .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{c}'))
        })
}

/// The usual file extension for a known type, for names that lack one.
pub fn extension(media_type: &str) -> &'static str {
    match media_type {
        PDF => "pdf",
        DOCX => "docx",
        XLSX => "xlsx",
        PPTX => "pptx",
        ODT => "odt",
        ODS => "ods",
        ODP => "odp",
        "image/png" => "png",
        "image/jpeg" => "jpg",
        "image/gif" => "gif",
        "image/webp" => "webp",
        CSV => "csv",
        TEXT => "txt",
        _ => "bin",
    }
}

/// A short name for a type, for people: "PDF", "Word document", "CSV".
pub fn label(media_type: &str) -> &'static str {
    match media_type {
        PDF => "PDF",
        DOCX => "Word document",
        XLSX => "Excel spreadsheet",
        PPTX => "PowerPoint presentation",
        ODT => "OpenDocument text",
        ODS => "OpenDocument spreadsheet",
        ODP => "OpenDocument presentation",
        "image/png" => "PNG image",
        "image/jpeg" => "JPEG image",
        "image/gif" => "GIF image",
        "image/webp" => "WebP image",
        CSV => "CSV",
        TEXT => "Plain text",
        _ => "File",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A ZIP whose first entry has this name, as the start of a real archive looks.
    pub(crate) fn zip_with(first_entry: &str) -> Vec<u8> {
        let mut bytes = b"PK\x03\x04\x14\x00\x00\x00\x08\x00".to_vec();
        bytes.extend_from_slice(&[0; 16]);
        bytes.extend_from_slice(&u16::try_from(first_entry.len()).unwrap().to_le_bytes());
        bytes.extend_from_slice(&[0, 0]);
        bytes.extend_from_slice(first_entry.as_bytes());
        bytes.extend_from_slice(&[0; 64]);
        bytes
    }

    #[test]
    fn the_bytes_decide_not_the_name() {
        assert_eq!(media_type(b"%PDF-1.7\n...", "notes.txt"), PDF);
        let mut elf = b"\x7fELF\x02\x01\x01".to_vec();
        elf.resize(64, 0);
        assert_eq!(media_type(&elf, "report.pdf"), "application/x-executable");
        assert_eq!(
            media_type(b"MZ\x90\0\x03\0\0\0", "report.pdf"),
            "application/vnd.microsoft.portable-executable"
        );
        assert_eq!(
            media_type(&zip_with("notes.txt"), "report.docx"),
            "application/zip"
        );
        assert_eq!(media_type(&zip_with("word/document.xml"), "x.bin"), DOCX);
        assert_eq!(media_type(&zip_with("xl/workbook.xml"), "x"), XLSX);
        assert_eq!(
            media_type(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "a.pdf"),
            "image/png"
        );
    }

    #[test]
    fn text_is_utf8_without_control_characters_and_the_name_picks_csv() {
        assert_eq!(media_type(b"site,budget\nLeeds,10\n", "budget.CSV"), CSV);
        assert_eq!(media_type(b"site,budget\nLeeds,10\n", "budget.txt"), TEXT);
        assert_eq!(media_type("Caf\u{e9}\tnotes\r\n".as_bytes(), "n"), TEXT);
        assert_eq!(media_type(b"a\0b", "a.csv"), UNKNOWN);
        assert_eq!(media_type(b"\xff\xfe\x00", "a.csv"), UNKNOWN);
        assert_eq!(media_type(b"", "a.csv"), UNKNOWN);
    }
}
