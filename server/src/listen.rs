//! Accepting connections: at most `max_connections` at once, and none held open by a client that
//! sends nothing (issue 13, item 3: slow "slowloris" clients used to keep sockets until the
//! process ran out of file descriptors and `/api/health` stopped answering).
//!
//! - **Header timeout**: a client must send a request's whole header within it, counted from
//!   when the connection opens or the previous answer is sent. It is therefore also how long an
//!   idle keep-alive connection stays open. (hyper's `header_read_timeout`.)
//! - **Idle timeout**: a connection on which no byte moves either way for this long is closed:
//!   a body trickled in, an answer the client does not read.
//! - **Connection cap**: past it the server stops accepting; new connections wait in the
//!   kernel's backlog until one closes, so descriptors stay bounded.
//!
//! Shutdown is graceful: on the signal the server stops accepting, lets answers in progress
//! finish and closes idle connections.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{ready, Context, Poll};
use std::time::Duration;

use axum::extract::ConnectInfo;
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;
use tokio::time::{sleep, Instant, Sleep};
use tower::ServiceExt as _;

/// Sized for a county office: a few hundred phones and desks, each with a handful of
/// connections, well under the usual limit of 1,024 open files.
pub const DEFAULT_MAX_CONNECTIONS: usize = 512;
/// Seconds. A phone on a slow mobile link sends its headers in well under a second.
pub const DEFAULT_HEADER_TIMEOUT: u64 = 15;
/// Seconds. Longer than any request takes to handle, so only a stalled client meets it.
pub const DEFAULT_IDLE_TIMEOUT: u64 = 60;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub max_connections: usize,
    pub header_timeout: Duration,
    pub idle_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_connections: DEFAULT_MAX_CONNECTIONS,
            header_timeout: Duration::from_secs(DEFAULT_HEADER_TIMEOUT),
            idle_timeout: Duration::from_secs(DEFAULT_IDLE_TIMEOUT),
        }
    }
}

/// Serves `app` on `listener` until `shutdown` resolves, then waits for the connections still
/// answering. Handlers see the client address as `ConnectInfo<SocketAddr>`.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()>,
) {
    let permits = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    let mut warned: Option<Instant> = None;
    loop {
        let permit = if let Ok(permit) = permits.clone().try_acquire_owned() {
            permit
        } else {
            // Once a minute at most: under a flood this would otherwise log every accept.
            if warned.is_none_or(|at| at.elapsed() >= Duration::from_secs(60)) {
                warned = Some(Instant::now());
                tracing::warn!(
                    max = limits.max_connections,
                    "connection limit reached; new connections wait until one closes"
                );
            }
            tokio::select! {
                permit = permits.clone().acquire_owned() => {
                    permit.expect("the semaphore is never closed")
                }
                () = &mut shutdown => break,
            }
        };
        let (stream, remote) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of descriptors (EMFILE) or a connection reset before it was
                    // accepted: wait a little instead of spinning on the error.
                    tracing::warn!(error = %e, "cannot accept a connection");
                    sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let service = app
            .clone()
            .map_request(move |mut request: axum::http::Request<Incoming>| {
                request.extensions_mut().insert(ConnectInfo(remote));
                request
            });
        let mut builder = hyper::server::conn::http1::Builder::new();
        builder
            .timer(TokioTimer::new())
            .header_read_timeout(limits.header_timeout)
            .keep_alive(true);
        let io = TokioIo::new(IdleTimeout::new(stream, limits.idle_timeout));
        let connection =
            graceful.watch(builder.serve_connection(io, TowerToHyperService::new(service)));
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(%remote, error = %e, "connection closed");
            }
            drop(permit);
        });
    }
    drop(listener);
    graceful.shutdown().await;
}

/// A socket that fails with `TimedOut` once no byte has moved either way for `timeout` while
/// the server waits on it.
struct IdleTimeout {
    stream: TcpStream,
    timeout: Duration,
    deadline: Pin<Box<Sleep>>,
}

impl IdleTimeout {
    fn new(stream: TcpStream, timeout: Duration) -> Self {
        IdleTimeout {
            stream,
            timeout,
            deadline: Box::pin(sleep(timeout)),
        }
    }

    fn moved(&mut self) {
        let next = Instant::now() + self.timeout;
        self.deadline.as_mut().reset(next);
    }

    /// Called when the socket has nothing to give or take: an error once the deadline passed.
    fn poll_stalled(&mut self, cx: &mut Context<'_>) -> Poll<io::Error> {
        ready!(self.deadline.as_mut().poll(cx));
        Poll::Ready(io::Error::new(
            io::ErrorKind::TimedOut,
            "no data moved on the connection within the idle timeout",
        ))
    }
}

impl AsyncRead for IdleTimeout {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        match Pin::new(&mut this.stream).poll_read(cx, buf) {
            Poll::Ready(result) => {
                this.moved();
                Poll::Ready(result)
            }
            Poll::Pending => this.poll_stalled(cx).map(Err),
        }
    }
}

impl AsyncWrite for IdleTimeout {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        match Pin::new(&mut this.stream).poll_write(cx, buf) {
            Poll::Ready(result) => {
                this.moved();
                Poll::Ready(result)
            }
            Poll::Pending => this.poll_stalled(cx).map(Err),
        }
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        match Pin::new(&mut this.stream).poll_write_vectored(cx, bufs) {
            Poll::Ready(result) => {
                this.moved();
                Poll::Ready(result)
            }
            Poll::Pending => this.poll_stalled(cx).map(Err),
        }
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_shutdown(cx)
    }
}
