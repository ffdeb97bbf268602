//! Calls to the office server. Every call may fail (no signal is normal); callers fall back to
//! what is stored on the phone. Every call carries `Authorization: Bearer <token>` once the
//! supervisor has signed in ([`set_token`]), and gives up after a while on a link that stopped
//! answering, so a sync on a weak signal never hangs for ever.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::cell::RefCell;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

thread_local! {
    static TOKEN: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// The token every call sends from now on (`None` after signing out).
pub fn set_token(token: Option<String>) {
    TOKEN.with(|t| *t.borrow_mut() = token);
}

pub fn has_token() -> bool {
    TOKEN.with(|t| t.borrow().is_some())
}

/// How long a call may take before it counts as unreachable (a photo chunk on a slow link
/// needs the most: 256 KiB at 20 KB/s is 13 s).
const TIMEOUT_MS: i32 = 60_000;

/// Why a call did not give what was asked, classified so the UI can say what happened.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ApiError {
    /// The phone has no network.
    #[error("no network")]
    Offline,
    /// The network is there but the server did not answer (down, wrong address, timed out).
    #[error("server unreachable: {0}")]
    Unreachable(String),
    /// 401 on a call that needs a login: the token is missing, expired or revoked.
    #[error("not signed in, or the sign-in expired")]
    Unauthorized,
    /// 401 `bad_credentials` at login.
    #[error("wrong username or password")]
    BadCredentials,
    /// 429 at login: too many failures; try again after this many seconds.
    #[error("too many attempts; retry after {retry_after} s")]
    RateLimited { retry_after: u64 },
    /// 5xx: the server is there but failing.
    #[error("server error {0}")]
    Server(u16),
    /// Another 4xx: the server refused the request. `body` is the answer as sent.
    #[error("refused ({status} {code}): {message}")]
    Refused {
        status: u16,
        code: String,
        message: String,
        body: String,
    },
    /// A 2xx whose body is not what was expected.
    #[error("unexpected answer: {0}")]
    BadAnswer(String),
}

/// The JSON error body every server error has.
#[derive(Debug, Default, Deserialize)]
struct ErrorBody {
    #[serde(default)]
    error: String,
    #[serde(default)]
    message: String,
    #[serde(default)]
    retry_after: Option<u64>,
}

/// A successful answer.
pub struct Reply {
    pub status: u16,
    pub headers: web_sys::Headers,
    pub body: String,
}

impl Reply {
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, ApiError> {
        serde_json::from_str(&self.body).map_err(|e| ApiError::BadAnswer(e.to_string()))
    }

    pub fn header(&self, name: &str) -> Option<String> {
        self.headers.get(name).ok().flatten()
    }
}

/// What a request carries.
pub enum Body<'a> {
    None,
    Json(String),
    /// Raw bytes (a photo chunk), with their content type.
    Bytes(&'a [u8], &'a str),
}

fn online() -> bool {
    web_sys::window()
        .map(|w| w.navigator().on_line())
        .unwrap_or(true)
}

fn failed(e: JsValue) -> ApiError {
    if !online() {
        return ApiError::Offline;
    }
    let text = e
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| format!("{e:?}"));
    ApiError::Unreachable(text)
}

/// Sends one request; a non-2xx answer becomes the matching [`ApiError`].
pub async fn send(
    method: &str,
    path: &str,
    body: Body<'_>,
    headers: &[(&str, &str)],
) -> Result<Reply, ApiError> {
    let (resp, timer) = fetch(method, path, body, headers).await?;
    let text = match resp.text() {
        Ok(p) => JsFuture::from(p).await,
        Err(e) => Err(e),
    };
    timer.clear();
    let body = text.map_err(failed)?.as_string().unwrap_or_default();
    let status = resp.status();
    if resp.ok() {
        return Ok(Reply {
            status,
            headers: resp.headers(),
            body,
        });
    }
    Err(error_of(status, body))
}

/// A photo or other bytes, with the token.
pub async fn get_blob(path: &str) -> Result<web_sys::Blob, ApiError> {
    let (resp, timer) = fetch("GET", path, Body::None, &[]).await?;
    if !resp.ok() {
        let text = match resp.text() {
            Ok(p) => JsFuture::from(p).await.ok(),
            Err(_) => None,
        };
        timer.clear();
        let body = text.and_then(|t| t.as_string()).unwrap_or_default();
        return Err(error_of(resp.status(), body));
    }
    let blob = match resp.blob() {
        Ok(p) => JsFuture::from(p).await,
        Err(e) => Err(e),
    };
    timer.clear();
    blob.map_err(failed)?
        .dyn_into()
        .map_err(|_| ApiError::BadAnswer("not a Blob".into()))
}

/// The timeout of one call, cleared once its answer has arrived.
/// A request's timeout: aborts the fetch when it fires. The callback is owned here and freed
/// with the timer (a `once_into_js` callback is freed only when called, so every request that
/// finished in time used to leave one behind, holding its `AbortController`).
struct Timer {
    handle: Option<i32>,
    _on_timeout: Option<wasm_bindgen::closure::Closure<dyn FnMut()>>,
}

impl Timer {
    /// The answer is in (or the request failed): the timeout is not needed any more.
    fn clear(self) {
        drop(self);
    }
}

impl Drop for Timer {
    fn drop(&mut self) {
        if let (Some(t), Some(w)) = (self.handle, web_sys::window()) {
            w.clear_timeout_with_handle(t);
        }
    }
}

async fn fetch(
    method: &str,
    path: &str,
    body: Body<'_>,
    headers: &[(&str, &str)],
) -> Result<(web_sys::Response, Timer), ApiError> {
    let window = web_sys::window().ok_or(ApiError::Unreachable("no window".into()))?;
    let init = web_sys::RequestInit::new();
    init.set_method(method);
    let h = web_sys::Headers::new().map_err(failed)?;
    if let Some(token) = TOKEN.with(|t| t.borrow().clone()) {
        h.set("Authorization", &format!("Bearer {token}"))
            .map_err(failed)?;
    }
    for (k, v) in headers {
        h.set(k, v).map_err(failed)?;
    }
    match &body {
        Body::None => {}
        Body::Json(text) => {
            h.set("Content-Type", "application/json").map_err(failed)?;
            init.set_body(&JsValue::from_str(text));
        }
        Body::Bytes(bytes, kind) => {
            h.set("Content-Type", kind).map_err(failed)?;
            init.set_body(&js_sys::Uint8Array::from(*bytes));
        }
    }
    init.set_headers(&h);
    let abort = web_sys::AbortController::new().ok();
    let on_timeout = abort.as_ref().map(|a| {
        init.set_signal(Some(&a.signal()));
        let a = a.clone();
        wasm_bindgen::closure::Closure::<dyn FnMut()>::new(move || a.abort())
    });
    let handle = on_timeout.as_ref().and_then(|cb| {
        window
            .set_timeout_with_callback_and_timeout_and_arguments_0(
                cb.as_ref().unchecked_ref(),
                TIMEOUT_MS,
            )
            .ok()
    });
    let timer = Timer {
        handle,
        _on_timeout: on_timeout,
    };
    match JsFuture::from(window.fetch_with_str_and_init(path, &init)).await {
        Ok(r) => match r.dyn_into::<web_sys::Response>() {
            Ok(r) => Ok((r, timer)),
            Err(_) => {
                timer.clear();
                Err(ApiError::BadAnswer("not a response".into()))
            }
        },
        Err(e) => {
            timer.clear();
            Err(failed(e))
        }
    }
}

fn error_of(status: u16, body: String) -> ApiError {
    let err: ErrorBody = serde_json::from_str(&body).unwrap_or_default();
    match (status, err.error.as_str()) {
        (401, "bad_credentials") => ApiError::BadCredentials,
        (401, _) => ApiError::Unauthorized,
        (429, _) => ApiError::RateLimited {
            retry_after: err.retry_after.unwrap_or(60),
        },
        (s, _) if s >= 500 => ApiError::Server(s),
        (s, _) => ApiError::Refused {
            status: s,
            code: err.error,
            message: err.message,
            body,
        },
    }
}

pub async fn get_json<T: DeserializeOwned>(path: &str) -> Result<T, ApiError> {
    send("GET", path, Body::None, &[]).await?.json()
}

pub async fn post_json<B: Serialize, T: DeserializeOwned>(
    path: &str,
    body: &B,
) -> Result<T, ApiError> {
    let text = serde_json::to_string(body).map_err(|e| ApiError::BadAnswer(e.to_string()))?;
    send("POST", path, Body::Json(text), &[]).await?.json()
}
