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

/// How much of a file's start [`media_type_of`] needs: the deepest check, for office
/// formats, looks a few entries into the archive, well within this.
pub const HEAD_BYTES: usize = 256 * 1024;

/// The media type of a file known by its first [`HEAD_BYTES`] (or all of it, if
/// shorter) and whether the whole of it is text, as [`TextCheck`] finds while it is
/// read, so that an upload is judged without holding all of it. Office formats are ZIP
/// files, so they are recognised by the markers inside the archive before anything is
/// called a plain ZIP. Text has no magic number: valid UTF-8 without control characters
/// is text, and only then does the name choose between CSV and plain text, both of
/// which are harmless.
pub fn media_type_of(head: &[u8], text: bool, file_name: &str) -> &'static str {
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
    if let Some((_, kind)) = checks.iter().find(|(check, _)| check(head)) {
        return kind;
    }
    if let Some(kind) = infer::get(head) {
        return kind.mime_type();
    }
    if text {
        let csv = file_name
            .rsplit_once('.')
            .is_some_and(|(_, ext)| ext.eq_ignore_ascii_case("csv"));
        return if csv { CSV } else { TEXT };
    }
    UNKNOWN
}

/// Whether a file is text (valid UTF-8 without control characters other than tab, the
/// line breaks and form feed), fed in pieces as they arrive: a character may be split
/// between two pieces.
#[derive(Debug, Default)]
pub struct TextCheck {
    /// The start of a character the last piece ended inside.
    pending: Vec<u8>,
    failed: bool,
    seen: bool,
}

impl TextCheck {
    pub fn feed(&mut self, mut piece: &[u8]) {
        if self.failed || piece.is_empty() {
            return;
        }
        self.seen = true;
        if let Some(&lead) = self.pending.first() {
            let width = match lead {
                0xC0..=0xDF => 2,
                0xE0..=0xEF => 3,
                _ => 4,
            };
            let take = (width - self.pending.len()).min(piece.len());
            self.pending.extend_from_slice(&piece[..take]);
            piece = &piece[take..];
            if self.pending.len() < width {
                return;
            }
            let whole = std::mem::take(&mut self.pending);
            if !std::str::from_utf8(&whole).is_ok_and(text_chars) {
                self.failed = true;
                return;
            }
        }
        match std::str::from_utf8(piece) {
            Ok(text) => self.failed = !text_chars(text),
            Err(e) => {
                let (valid, rest) = piece.split_at(e.valid_up_to());
                // Only a character cut off at the end may be finished by the next piece.
                let cut_off = e.error_len().is_none();
                let valid = std::str::from_utf8(valid).is_ok_and(text_chars);
                if cut_off && valid {
                    self.pending = rest.to_vec();
                } else {
                    self.failed = true;
                }
            }
        }
    }

    /// Whether everything fed was text, and there was some.
    pub fn is_text(&self) -> bool {
        self.seen && !self.failed && self.pending.is_empty()
    }
}

fn text_chars(text: &str) -> bool {
    !text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{c}'))
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

    /// The type of a whole file held in memory.
    fn media_type(bytes: &[u8], file_name: &str) -> &'static str {
        let mut text = TextCheck::default();
        text.feed(bytes);
        media_type_of(bytes, text.is_text(), file_name)
    }

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

    #[test]
    fn text_is_recognised_however_it_is_cut_into_pieces() {
        let samples: [&[u8]; 7] = [
            "Caf\u{e9} \u{2014} \u{1f3db} notes\r\n".as_bytes(),
            b"plain,ascii\n1,2\n",
            b"bad \xff byte",
            b"cut at the end \xe2\x80",
            "bell \u{7} inside".as_bytes(),
            b"\xe2\x28\xa1 invalid middle",
            b"",
        ];
        for sample in samples {
            let whole = std::str::from_utf8(sample).is_ok_and(text_chars) && !sample.is_empty();
            for size in 1..=sample.len().max(1) {
                let mut check = TextCheck::default();
                for piece in sample.chunks(size) {
                    check.feed(piece);
                }
                assert_eq!(check.is_text(), whole, "{sample:?} in pieces of {size}");
            }
        }
    }
}
