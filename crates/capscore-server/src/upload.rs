//! Reading a multipart upload: the `csrf` field and the files.

use axum::extract::Multipart;

use crate::error::AppError;

/// What a multipart upload held.
#[derive(Debug, Default)]
pub(crate) struct Upload {
    /// The `csrf` field, if sent.
    pub(crate) csrf: Option<String>,
    /// Every file part: (file name, bytes).
    pub(crate) files: Vec<(String, Vec<u8>)>,
}

/// Reads every part (the request body limit bounds the total).
///
/// # Errors
/// A malformed body or one over the limit.
pub(crate) async fn read(mut multipart: Multipart) -> Result<Upload, AppError> {
    let mut up = Upload::default();
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| AppError::BadRequest(format!("upload: {e}")))?
    {
        let name = field.name().unwrap_or("").to_string();
        let file_name = field.file_name().map(ToString::to_string);
        let bytes = field
            .bytes()
            .await
            .map_err(|e| AppError::BadRequest(format!("upload: {e}")))?;
        match file_name {
            Some(f) if !f.is_empty() => up.files.push((f, bytes.to_vec())),
            _ if name == "csrf" => {
                up.csrf = Some(String::from_utf8_lossy(&bytes).into_owned());
            }
            _ => {}
        }
    }
    Ok(up)
}
