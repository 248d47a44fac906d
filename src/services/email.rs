//! Outgoing e-mail over SMTP: one message at a time, plain text with an HTML
//! alternative. Without `[smtp]` in the configuration nothing is ever sent.

use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::config::{SmtpConfig, SmtpTls};
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// One e-mail to one person.
#[derive(Debug, Clone)]
pub struct Email {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// Whether this instance sends e-mail at all.
pub fn enabled(state: &AppState) -> bool {
    state.config.smtp.is_some()
}

fn transport(smtp: &SmtpConfig) -> anyhow::Result<AsyncSmtpTransport<Tokio1Executor>> {
    let builder = match smtp.tls {
        SmtpTls::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&smtp.host),
        SmtpTls::Starttls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&smtp.host)?,
        SmtpTls::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&smtp.host)?,
    };
    let builder = builder
        .port(smtp.port)
        .timeout(Some(std::time::Duration::from_secs(20)));
    let builder = match (&smtp.username, &smtp.password) {
        (Some(user), Some(password)) => {
            builder.credentials(Credentials::new(user.clone(), password.clone()))
        }
        _ => builder,
    };
    Ok(builder.build())
}

/// Sends `email`; returns false, sending nothing, when SMTP is not configured.
#[tracing::instrument(skip_all)]
pub async fn send(state: &AppState, email: Email) -> AppResult<bool> {
    let Some(smtp) = &state.config.smtp else {
        return Ok(false);
    };
    let from: Mailbox = smtp
        .from
        .parse()
        .map_err(|e| AppError::Internal(anyhow::anyhow!("smtp.from: {e}")))?;
    let to: Mailbox = email
        .to
        .parse()
        .map_err(|_| AppError::invalid("that e-mail address cannot receive mail"))?;
    let message = Message::builder()
        .from(from)
        .to(to)
        .subject(email.subject)
        .multipart(MultiPart::alternative_plain_html(email.text, email.html))
        .map_err(|e| AppError::Internal(anyhow::anyhow!("building an e-mail: {e}")))?;
    let transport = transport(smtp).map_err(AppError::Internal)?;
    transport.send(message).await.map_err(|e| {
        AppError::Internal(anyhow::anyhow!("sending e-mail via {}: {e}", smtp.host))
    })?;
    Ok(true)
}

/// Escapes text for an HTML e-mail body.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
