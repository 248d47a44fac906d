//! iCalendar (RFC 5545) output for event feeds: text escaped, lines folded at 75
//! octets, CRLF line ends. Times are written in UTC (`Z`), which every calendar reads
//! and shows in its reader's zone without a `VTIMEZONE` block to keep in step with
//! the time zone database.

use chrono::NaiveDateTime;

/// One event as a calendar shows it.
#[derive(Debug, Clone)]
pub struct CalendarEvent {
    /// Stable across edits: the event's federation id.
    pub uid: String,
    pub summary: String,
    pub description: String,
    pub location: Option<String>,
    /// The event's page.
    pub url: String,
    /// An online link, only when the feed's viewer may see it.
    pub online_link: Option<String>,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub stamp: NaiveDateTime,
    pub cancelled: bool,
}

/// A whole calendar named `name`.
pub fn calendar(name: &str, events: &[CalendarEvent]) -> String {
    let mut out = String::new();
    line(&mut out, "BEGIN:VCALENDAR");
    line(&mut out, "VERSION:2.0");
    line(&mut out, "PRODID:-//Guildhall//Events//EN");
    line(&mut out, "CALSCALE:GREGORIAN");
    line(&mut out, "METHOD:PUBLISH");
    line(&mut out, &format!("X-WR-CALNAME:{}", escape(name)));
    for event in events {
        line(&mut out, "BEGIN:VEVENT");
        line(&mut out, &format!("UID:{}", escape(&event.uid)));
        line(&mut out, &format!("DTSTAMP:{}", time(event.stamp)));
        line(&mut out, &format!("DTSTART:{}", time(event.starts_at)));
        line(&mut out, &format!("DTEND:{}", time(event.ends_at)));
        line(&mut out, &format!("SUMMARY:{}", escape(&event.summary)));
        let mut description = event.description.clone();
        if let Some(link) = &event.online_link {
            description.push_str(&format!("\n\nOnline: {link}"));
        }
        if !description.trim().is_empty() {
            line(
                &mut out,
                &format!("DESCRIPTION:{}", escape(description.trim())),
            );
        }
        if let Some(location) = &event.location {
            line(&mut out, &format!("LOCATION:{}", escape(location)));
        }
        if let Some(link) = &event.online_link {
            line(&mut out, &format!("CONFERENCE;VALUE=URI:{link}"));
        }
        line(&mut out, &format!("URL:{}", event.url));
        let status = if event.cancelled {
            "CANCELLED"
        } else {
            "CONFIRMED"
        };
        line(&mut out, &format!("STATUS:{status}"));
        line(&mut out, "END:VEVENT");
    }
    line(&mut out, "END:VCALENDAR");
    out
}

fn time(at: NaiveDateTime) -> String {
    at.format("%Y%m%dT%H%M%SZ").to_string()
}

/// Escapes a TEXT value: backslash, semicolon, comma and line breaks.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.replace("\r\n", "\n").chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' | '\r' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Writes one content line, folded so that no line is longer than 75 octets (a
/// continuation line starts with a space), never splitting a character.
fn line(out: &mut String, content: &str) {
    let mut used = 0;
    for c in content.chars() {
        let width = c.len_utf8();
        if used + width > 75 {
            out.push_str("\r\n ");
            used = 1;
        }
        out.push(c);
        used += width;
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn text_is_escaped_and_long_lines_fold_at_75_octets() {
        assert_eq!(escape("a\\b;c,d\ne"), "a\\\\b\\;c\\,d\\ne");
        let event = CalendarEvent {
            uid: "https://alpha.example/post/1".into(),
            summary: "Meet-up; planning, and more".into(),
            description: "é".repeat(100),
            location: Some("Town Hall, Leeds".into()),
            url: "https://alpha.example/events/1".into(),
            online_link: None,
            starts_at: at("2026-12-01 18:00"),
            ends_at: at("2026-12-01 20:00"),
            stamp: at("2026-11-01 09:00"),
            cancelled: false,
        };
        let text = calendar("Planners", &[event]);
        assert!(text.ends_with("END:VCALENDAR\r\n"));
        assert!(
            !text.replace("\r\n", "").contains('\n'),
            "only CRLF line ends"
        );
        for line in text.split("\r\n") {
            assert!(line.len() <= 75, "{line:?} is {} octets", line.len());
        }
        assert!(text.contains("SUMMARY:Meet-up\\; planning\\, and more\r\n"));
        assert!(text.contains("DTSTART:20261201T180000Z\r\n"));
        assert!(text.contains("LOCATION:Town Hall\\, Leeds\r\n"));
        // Unfolding gives the description back whole.
        let unfolded = text.replace("\r\n ", "");
        assert!(unfolded.contains(&format!("DESCRIPTION:{}\r\n", "é".repeat(100))));
    }
}
