//! JSON request bodies: a size limit per route and a specific answer for every way a body can
//! be wrong, in the error shape of [`AppError`]. Nothing is written for a body that fails here:
//! handlers only see a value that parsed.
//!
//! - declared or streamed past the route's limit: 413 `payload_too_large`;
//! - not JSON (syntax): 400 `invalid_request`, with where it broke;
//! - JSON of the wrong shape (a missing field, a wrong type, an unknown field): 400
//!   `invalid_request` too, naming the field. (axum would say 422; one status for every bad body
//!   keeps clients simple, and the message tells the two apart.)
//! - no `Content-Type: application/json`: 415 `unsupported_media_type`.

use axum::extract::rejection::JsonRejection;
use axum::extract::{DefaultBodyLimit, FromRequest, Request};
use axum::http::header;
use axum::middleware::{self, Next};
use axum::response::IntoResponse;
use axum::routing::MethodRouter;
use axum::Json;

use crate::error::AppError;
use crate::state::AppState;

/// The body limit of the route a request went to, for the 413 message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BodyLimit(pub usize);

/// Small JSON bodies: login, create a photo upload.
pub const SMALL_JSON: usize = 16 * 1024;
/// Routes that take no body: anything sent is refused above this.
pub const NO_BODY: usize = 1024;

/// Gives `route` a body limit: a declared `Content-Length` above it is refused before the
/// handler runs, and extractors stop reading at it.
pub fn limited(route: MethodRouter<AppState>, limit: usize) -> MethodRouter<AppState> {
    route
        .layer(DefaultBodyLimit::max(limit))
        .layer(middleware::from_fn(
            move |mut request: Request, next: Next| async move {
                let declared = request
                    .headers()
                    .get(header::CONTENT_LENGTH)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.parse::<u64>().ok());
                if declared.is_some_and(|n| n > limit as u64) {
                    return AppError::PayloadTooLarge { limit }.into_response();
                }
                request.extensions_mut().insert(BodyLimit(limit));
                crate::json_payload_too_large(next.run(request).await, limit)
            },
        ))
}

/// `Json<T>` whose rejections are [`AppError`]s.
#[derive(Debug, Clone, Copy, Default)]
pub struct ValidJson<T>(pub T);

impl<S, T> FromRequest<S> for ValidJson<T>
where
    Json<T>: FromRequest<S, Rejection = JsonRejection>,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request(request: Request, state: &S) -> Result<Self, AppError> {
        let limit = request.extensions().get::<BodyLimit>().copied();
        match Json::<T>::from_request(request, state).await {
            Ok(Json(value)) => Ok(ValidJson(value)),
            Err(rejection) => Err(rejected(rejection, limit)),
        }
    }
}

/// What to answer for a body axum's `Json` refused.
pub fn rejected(rejection: JsonRejection, limit: Option<BodyLimit>) -> AppError {
    match rejection {
        JsonRejection::JsonDataError(e) => AppError::InvalidRequest(format!(
            "The JSON body is not what this route takes: {}",
            detail(&e.body_text())
        )),
        JsonRejection::JsonSyntaxError(e) => AppError::InvalidRequest(format!(
            "The body is not valid JSON: {}",
            detail(&e.body_text())
        )),
        JsonRejection::MissingJsonContentType(_) => AppError::UnsupportedMediaType(
            "Send the body as JSON with Content-Type: application/json".into(),
        ),
        JsonRejection::BytesRejection(e) if e.status().as_u16() == 413 => {
            AppError::PayloadTooLarge {
                limit: limit.map_or(0, |l| l.0),
            }
        }
        other => AppError::InvalidRequest(format!(
            "The request body could not be read: {}",
            other.body_text()
        )),
    }
}

/// axum's text without its generic prefix: `missing field `size` at line 1 column 80`.
fn detail(text: &str) -> &str {
    text.split_once(": ").map_or(text, |(_, rest)| rest)
}
