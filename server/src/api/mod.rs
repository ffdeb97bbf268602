//! The JSON API, nested under `/api`.
//!
//! | Route                | Handler                         | Answer                                  |
//! |----------------------|---------------------------------|-----------------------------------------|
//! | `GET /api/health`    | [`health::get_health`]          | `{status, version, database}`; 503 JSON |
//! |                      |                                 | error if the database is unreachable    |
//! | `GET /api/openapi.json` | [`openapi::get_openapi`]     | this table as OpenAPI 3.1               |
//! | `POST /api/login`    | [`auth::login`]                 | `{token, expires_at, user}`; 401        |
//! |                      |                                 | `bad_credentials`, 429 `rate_limited`   |
//! | `POST /api/logout`   | [`auth::logout`]                | 204; the token stops working            |
//! | `GET /api/me`        | [`auth::me`]                    | the signed-in user                      |
//! | `GET /api/schools`   | [`schools::list_schools`]       | the schools the user may see, by        |
//! |                      |                                 | district then code                      |
//! | `GET /api/schools/{id}` | [`schools::get_school`]      | one school; 403 outside the user's scope|
//! | `GET /api/templates` | [`templates::list_templates`]   | `{templates: [Template…]}`, the         |
//! |                      |                                 | effective library, in the offered order |
//! |                      |                                 | (open: published policy, see its module)|
//! | `POST /api/sync/push` | [`sync::post_push`]            | `PushResponse`; 409 `seq_gap` with      |
//! |                      |                                 | `expected`; 403 `device_not_registered` |
//! | `GET /api/sync/pull` | [`sync::get_pull`]              | `PullResponse`: changes after `cursor`  |
//! |                      |                                 | in the user's scope, `limit` ≤ 1000     |
//! | `GET /api/sync/conflicts` | [`sync::list_conflicts`]   | `{conflicts}` open in scope (`?all=1`:  |
//! |                      |                                 | settled ones too)                       |
//! | `POST /api/sync/conflicts/{id}/resolve` | [`sync::resolve_conflict`] | the conflict, settled; |
//! |                      |                                 | 404 outside the user's scope            |
//! | `GET /api/findings`  | [`findings::list_findings`]     | `FindingsResponse`: findings in scope,  |
//! |                      |                                 | filtered, most urgent first; 400 names  |
//! |                      |                                 | a bad filter                            |
//! | `POST /api/photos`   | [`photos::create_upload`]       | `UploadStatus`, 201 new / 200 known; 409|
//! |                      |                                 | same id with another hash or size       |
//! | `HEAD /api/photos/{id}` | [`photos::head_upload`]      | `Upload-Offset`, `Upload-Length`        |
//! | `GET /api/photos/{id}/status` | [`photos::get_upload_status`] | `UploadStatus`                  |
//! | `PATCH /api/photos/{id}` | [`photo_upload::patch_upload`] | bytes from `Upload-Offset`:          |
//! |                      |                                 | `UploadStatus`; 409 offset, 413, 460,   |
//! |                      |                                 | 422 hash mismatch (back to offset 0)    |
//! | `GET /api/photos/{id}` | [`photos::download_photo`]    | the photo's bytes, once complete        |
//! | anything else        | [`no_route`]                    | 404 `{"error":"not_found", "message"}`  |
//!
//! A known path with the wrong method answers 405 `{"error":"method_not_allowed"}`.
//!
//! Only `health`, `openapi.json`, `login` and `templates` answer without a token; every other
//! route takes [`crate::auth::Auth`] and answers 401 `unauthorized` (saying whether the token is
//! missing, malformed, or unknown/expired) before looking at anything else.
//!
//! Every route has a body limit ([`limited`]): 1 KiB where no body is expected, 16 KiB for small
//! JSON, a photo chunk for `PATCH /api/photos/{id}`; above it the answer is 413
//! `payload_too_large`. JSON bodies are read with [`crate::json::ValidJson`]: a body that is not
//! JSON or not of the expected shape is 400 `invalid_request` naming what is wrong.

pub mod auth;
pub mod findings;
pub mod health;
pub mod openapi;
pub mod photo_upload;
pub mod photos;
pub mod schools;
pub mod sync;
pub mod templates;

use axum::extract::OriginalUri;
use axum::http::{header, HeaderValue, Method};
use axum::middleware;
use axum::response::Response;
use axum::routing::{get, post, MethodRouter};

use crate::json::{limited, NO_BODY, SMALL_JSON};
use crate::photos::MAX_CHUNK;
use axum::Router;

use crate::error::AppError;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/health", limited(get(health::get_health), NO_BODY))
        .route("/openapi.json", limited(get(openapi::get_openapi), NO_BODY))
        .route("/login", no_store(limited(post(auth::login), SMALL_JSON)))
        .route("/logout", no_store(limited(post(auth::logout), NO_BODY)))
        .route("/me", no_store(limited(get(auth::me), NO_BODY)))
        .route("/schools", limited(get(schools::list_schools), NO_BODY))
        .route("/schools/{id}", limited(get(schools::get_school), NO_BODY))
        .route(
            "/templates",
            limited(get(templates::list_templates), NO_BODY),
        )
        .route(
            "/sync/push",
            limited(post(sync::post_push), sync::MAX_PUSH_BYTES),
        )
        .route("/sync/pull", limited(get(sync::get_pull), NO_BODY))
        .route("/findings", limited(get(findings::list_findings), NO_BODY))
        .route(
            "/sync/conflicts",
            limited(get(sync::list_conflicts), NO_BODY),
        )
        .route(
            "/sync/conflicts/{id}/resolve",
            limited(post(sync::resolve_conflict), NO_BODY),
        )
        .route("/photos", limited(post(photos::create_upload), SMALL_JSON))
        .route(
            "/photos/{id}",
            limited(
                get(photos::download_photo)
                    .head(photos::head_upload)
                    .patch(photo_upload::patch_upload),
                MAX_CHUNK,
            ),
        )
        .route(
            "/photos/{id}/status",
            limited(get(photos::get_upload_status), NO_BODY),
        )
        .method_not_allowed_fallback(method_not_allowed)
        .fallback(no_route)
}

/// `Cache-Control: no-store` on every answer of an auth route, errors too: a token or who is
/// signed in must never be kept by a browser or proxy cache.
fn no_store(route: MethodRouter<AppState>) -> MethodRouter<AppState> {
    route.layer(middleware::map_response(
        |mut response: Response| async move {
            response
                .headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            response
        },
    ))
}

/// Without it an unknown `/api/…` path would fall through to the app's `index.html` and a
/// client would try to parse HTML as JSON.
pub async fn no_route(method: Method, OriginalUri(uri): OriginalUri) -> AppError {
    AppError::NoRoute {
        method,
        path: uri.path().to_owned(),
    }
}

pub async fn method_not_allowed(method: Method, OriginalUri(uri): OriginalUri) -> AppError {
    AppError::MethodNotAllowed {
        method,
        path: uri.path().to_owned(),
    }
}
