//! Parse-don't-validate types for what users type: names, e-mail addresses, passwords,
//! and the small enumerations stored as text.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// A local member or community name: 3 to 30 characters of `a-z`, `0-9` and `_`.
/// Names are case-insensitive: input is folded to lower case.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Name(String);

impl Name {
    pub const MIN: usize = 3;
    pub const MAX: usize = 30;

    pub fn parse(input: &str) -> Result<Name, AppError> {
        let name = input.trim().to_lowercase();
        let count = name.chars().count();
        if !(Self::MIN..=Self::MAX).contains(&count) {
            return Err(AppError::bad_request(
                "invalid_name",
                format!(
                    "a name must be {} to {} characters long",
                    Self::MIN,
                    Self::MAX
                ),
            ));
        }
        if !name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        {
            return Err(AppError::bad_request(
                "invalid_name",
                "a name may hold only letters a-z, digits and underscores",
            ));
        }
        Ok(Name(name))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An e-mail address, folded to lower case: addresses that differ only in case are one
/// account, and sign-in by address ignores case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(input: &str) -> Result<Email, AppError> {
        let input = input.trim();
        let invalid = || AppError::bad_request("invalid_email", "enter a valid e-mail address");
        if input.len() > 254 || input.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(invalid());
        }
        let (local, domain) = input.rsplit_once('@').ok_or_else(invalid)?;
        let (local, domain) = (local.to_lowercase(), domain.to_lowercase());
        if local.is_empty()
            || local.contains('@')
            || domain.is_empty()
            || !domain.contains('.')
            || domain.starts_with('.')
            || domain.ends_with('.')
            || domain.contains("..")
        {
            return Err(invalid());
        }
        Ok(Email(format!("{local}@{domain}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn domain(&self) -> &str {
        self.0.rsplit_once('@').map(|(_, d)| d).unwrap_or_default()
    }

    /// Whether the domain is allowed by patterns such as `council.gov.uk` (that domain)
    /// or `*.gov.uk` (any sub-domain of gov.uk). An empty list allows every domain.
    pub fn allowed_by(&self, patterns: &[String]) -> bool {
        let domain = self.domain();
        patterns.is_empty()
            || patterns.iter().any(|pattern| {
                let pattern = pattern.to_lowercase();
                match pattern.strip_prefix("*.") {
                    Some(parent) => domain
                        .strip_suffix(parent)
                        .is_some_and(|rest| rest.len() > 1 && rest.ends_with('.')),
                    None => domain == pattern,
                }
            })
    }
}

/// A password that meets the length rules; never logged or shown.
pub struct Password(String);

impl Password {
    pub const MIN: usize = 10;
    pub const MAX: usize = 256;

    pub fn parse(input: &str) -> Result<Password, AppError> {
        let count = input.chars().count();
        if count < Self::MIN {
            return Err(AppError::bad_request(
                "weak_password",
                format!("a password must be at least {} characters long", Self::MIN),
            ));
        }
        if count > Self::MAX {
            return Err(AppError::bad_request(
                "invalid_password",
                format!("a password must be at most {} characters long", Self::MAX),
            ));
        }
        Ok(Password(input.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(..)")
    }
}

/// Macro for the small enumerations kept as text in the database.
macro_rules! text_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
        #[serde(rename_all = "lowercase")]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// Reads a stored value; unknown text is a corrupt row, not user input.
            pub fn from_db(text: &str) -> Result<Self, AppError> {
                match text {
                    $($text => Ok($name::$variant),)+
                    other => Err(AppError::Internal(anyhow::anyhow!(
                        concat!("unknown ", stringify!($name), " {:?} in database"), other
                    ))),
                }
            }
        }
    };
}

text_enum!(
    /// Who can see and join a community.
    Visibility {
        /// Anyone can read; anyone can join.
        Public => "public",
        /// Anyone can read; joining, posting and voting need a facilitator's approval.
        Restricted => "restricted",
        /// Only approved members can read or take part.
        Private => "private",
    }
);

text_enum!(
    /// A local account's role on this instance.
    Role {
        Admin => "admin",
        Moderator => "moderator",
        Member => "member",
    }
);

text_enum!(
    /// Where a join request stands.
    MembershipState {
        Pending => "pending",
        Accepted => "accepted",
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_folded_and_checked() {
        assert_eq!(
            Name::parse(" Housing_Advice ").unwrap().as_str(),
            "housing_advice"
        );
        for bad in [
            "ab",
            "has space",
            "émile",
            "a-b-c",
            &"x".repeat(31),
            "<script>",
        ] {
            assert!(Name::parse(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn email_domains_match_wildcards() {
        let allowed = vec!["*.gov.uk".to_owned(), "east.example.org".to_owned()];
        let ok = |e: &str| Email::parse(e).unwrap().allowed_by(&allowed);
        assert!(ok("ana@leeds.gov.uk"));
        assert!(ok("ana@a.b.GOV.UK"));
        assert!(ok("ana@east.example.org"));
        assert!(!ok("ana@gov.uk"));
        assert!(!ok("ana@evilgov.uk"));
        assert!(!ok("ana@leeds.gov.uk.evil.com"));
        assert!(!ok("ana@west.example.org"));
        assert!(Email::parse("no-at-sign").is_err());
        assert!(Email::parse("a@b").is_err());
    }

    #[test]
    fn passwords_have_length_rules() {
        assert!(Password::parse("short").is_err());
        assert!(Password::parse("long enough password").is_ok());
        assert!(Password::parse(&"x".repeat(257)).is_err());
    }
}
