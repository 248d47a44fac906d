//! Signing up and confirming an e-mail address.
pub mod resend_verification;
pub mod sign_up;
pub mod verify_email;
