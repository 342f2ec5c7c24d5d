//! Reading a multipart upload: the `csrf` field, the import's fields (`kind`,
//! `partner_global_id`, `date_order`) and the files.

use axum::extract::Multipart;

use crate::error::AppError;
use crate::import::ImportKind;

/// What a multipart upload held.
#[derive(Debug, Default)]
pub(crate) struct Upload {
    /// The `csrf` field, if sent.
    pub(crate) csrf: Option<String>,
    /// The import: its kind, files and options.
    pub(crate) import: crate::import::Upload,
}

/// Reads every part (the request body limit bounds the total).
///
/// # Errors
/// A malformed body or one over the limit; an unknown import kind.
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
        let text = || String::from_utf8_lossy(&bytes).into_owned();
        match file_name {
            Some(f) if !f.is_empty() => up.import.files.push((f, bytes.to_vec())),
            _ => match name.as_str() {
                "csrf" => up.csrf = Some(text()),
                "kind" => up.import.kind = Some(ImportKind::parse(Some(&text()))?),
                "partner_global_id" => {
                    up.import.partner_global_id = Some(text()).filter(|t| !t.trim().is_empty());
                }
                "date_order" => up.import.date_order = Some(text()),
                _ => {}
            },
        }
    }
    Ok(up)
}
