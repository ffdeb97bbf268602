//! The sync benchmark (issue 15): the release server (`target/release/dudao-server serve`, a
//! child process with a fresh database) driven over loopback HTTP, as phones drive it.
//!
//! - **push and pull**: one supervisor's phone pushes 1,000 visits of 60 answers each (one
//!   mutation per visit: its header and 60 answer notes, in batches of 50 as the app sends
//!   them), then a second phone of the same supervisor pulls everything (pages of 200, as the
//!   app asks);
//! - **mutations/s** with 1, 8 and 32 phones pushing at once: each phone has its own visit and
//!   pushes mutations of 3 ops (three answer notes) in batches of 50; 4,000 mutations in all per
//!   run;
//! - **server memory**: the server's resident set (VmRSS) and its peak (VmHWM) after each part.
//!
//! Prints one line per figure, starting `bench sync:`; asserts nothing about speed. SQLite
//! always; PostgreSQL when `DUDAO_TEST_PG` names a server (scripts/bench starts one with
//! scripts/pg-test-server), each run in a schema of its own.
//!
//! Run: `cargo run --release -p dudao-server --example sync_bench` (after
//! `cargo build --release -p dudao-server`); `SYNC_BENCH_VISITS=N` and `SYNC_BENCH_MUTATIONS=N`
//! shrink it for a quick try.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::{Method, Request, StatusCode};
use hyper_util::client::legacy::{connect::HttpConnector, Client};
use hyper_util::rt::TokioExecutor;
use serde_json::{json, Value};

/// What the app sends per push and asks per pull (`src/sync/engine.rs`).
const PUSH_BATCH: usize = 50;
const PULL_LIMIT: usize = 200;
const PASSWORD: &str = "dudao-demo";
const SUPERVISORS: [&str; 4] = ["hanlixin", "mashufen", "yangzhenhua", "caodeming"];

type Http = Client<HttpConnector, Full<Bytes>>;

/// The server's HTTP API as a phone calls it; cheap to clone (one connection pool).
#[derive(Clone)]
struct Api {
    base: String,
    http: Http,
}

/// The server process with its API.
struct Server {
    child: Child,
    api: Api,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// `target/release/dudao-server` of this workspace (or `DUDAO_SERVER_BIN`).
fn server_bin() -> PathBuf {
    std::env::var_os("DUDAO_SERVER_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/release/dudao-server")
        })
}

impl Server {
    /// Starts the server on `database`, keeping its files (photos, what it has served) in
    /// `data_dir`.
    async fn start(database: &str, data_dir: &std::path::Path) -> Server {
        let port = free_port();
        let bin = server_bin();
        assert!(
            bin.exists(),
            "{} is missing: cargo build --release -p dudao-server",
            bin.display()
        );
        let child = Command::new(&bin)
            .args(["serve", "--addr", &format!("127.0.0.1:{port}")])
            .args(["--database", database])
            .arg("--data-dir")
            .arg(data_dir)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start the server");
        let server = Server {
            child,
            api: Api {
                base: format!("http://127.0.0.1:{port}"),
                http: Client::builder(TokioExecutor::new()).build_http(),
            },
        };
        for _ in 0..300 {
            if let Ok((StatusCode::OK, _)) = server
                .api
                .call(Method::GET, "/api/health", None, None)
                .await
            {
                return server;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the server did not answer /api/health");
    }

    /// The server process's resident set and its peak so far, in MiB.
    fn memory(&self) -> (f64, f64) {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        let kib = |key: &str| {
            status
                .lines()
                .find(|l| l.starts_with(key))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse::<f64>().ok())
                .unwrap_or(0.0)
        };
        (kib("VmRSS:") / 1024.0, kib("VmHWM:") / 1024.0)
    }
}

impl Api {
    async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> Result<(StatusCode, Value), String> {
        let mut req = Request::builder()
            .method(method)
            .uri(format!("{}{path}", self.base));
        if let Some(t) = token {
            req = req.header("authorization", format!("Bearer {t}"));
        }
        let body = match body {
            Some(b) => {
                req = req.header("content-type", "application/json");
                Full::new(Bytes::from(b.to_string()))
            }
            None => Full::new(Bytes::new()),
        };
        let reply = self
            .http
            .request(req.body(body).map_err(|e| e.to_string())?)
            .await
            .map_err(|e| e.to_string())?;
        let status = reply.status();
        let bytes = reply
            .into_body()
            .collect()
            .await
            .map_err(|e| e.to_string())?
            .to_bytes();
        let value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Ok((status, value))
    }

    async fn ok(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> Value {
        match self.call(method, path, token, body).await {
            Ok((s, v)) if s.is_success() => v,
            Ok((s, v)) => panic!("{path}: {s} {v}"),
            Err(e) => panic!("{path}: {e}"),
        }
    }
}

/// A signed-in phone.
struct Phone {
    user: &'static str,
    device: String,
    token: String,
}

async fn sign_in(server: &Api, user: &'static str) -> Phone {
    let device = uuid::Uuid::now_v7().to_string();
    let reply = server
        .ok(
            Method::POST,
            "/api/login",
            None,
            Some(&json!({"username": user, "password": PASSWORD, "device_id": device})),
        )
        .await;
    Phone {
        user,
        device: reply["device_id"].as_str().unwrap_or(&device).to_owned(),
        token: reply["token"].as_str().expect("a token").to_owned(),
    }
}

/// What a new visit at one of the phone's schools needs: its header, and the item codes of the
/// templates it pins (五项管理 and 校园安全, the first two built-in templates with 60+ items).
struct VisitShape {
    header: Value,
    codes: Vec<String>,
}

async fn visit_shape(server: &Api, phone: &Phone) -> VisitShape {
    let schools = server
        .ok(Method::GET, "/api/schools", Some(&phone.token), None)
        .await;
    let school = schools[0].clone();
    let templates = dudao_domain::builtin::templates().expect("the built-in templates");
    let pinned: Vec<_> = templates
        .iter()
        .filter(|t| t.id == "wuxiang" || t.id == "anquan")
        .collect();
    let codes = pinned
        .iter()
        .flat_map(|t| {
            t.sections
                .iter()
                .flat_map(|s| s.items.iter().map(|i| i.code.clone()))
        })
        .collect();
    let supervisor = school["supervisor"].clone();
    VisitShape {
        header: json!({
            "school_id": school["id"], "school": school, "supervisor": supervisor,
            "templates": pinned.iter().map(|t| json!({"id": t.id, "version": t.version})).collect::<Vec<_>>(),
            "started_at": 1_796_000_000_000i64,
        }),
        codes,
    }
}

fn op(field: &str, value: Value) -> Value {
    json!({"field": field, "value": value, "base_rev": 0})
}

/// One change of visit `id`, stamped `counter` ticks after `now` (the phone's clock).
fn mutation(seq: usize, id: &str, ops: Vec<Value>, now: i64, counter: usize) -> Value {
    let hlc = dudao_domain::sync::Hlc::new(now, counter as u32);
    json!({"seq": seq, "entity": "visit", "entity_id": id, "ops": ops, "hlc": hlc})
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// Pushes `mutations` (seq 1, 2, … in order) in the app's batches; returns how many the server
/// applied.
async fn push_all(server: &Api, phone: &Phone, mutations: &[Value]) -> usize {
    let mut applied = 0;
    for batch in mutations.chunks(PUSH_BATCH) {
        let reply = server
            .ok(
                Method::POST,
                "/api/sync/push",
                Some(&phone.token),
                Some(&json!({"device_id": phone.device, "mutations": batch})),
            )
            .await;
        for r in reply["results"].as_array().into_iter().flatten() {
            match r["status"].as_str() {
                Some("applied") => applied += 1,
                other => panic!("{}: mutation {} {other:?}: {}", phone.user, r["seq"], r),
            }
        }
    }
    applied
}

fn per_second(n: usize, d: Duration) -> String {
    format!("{:.0}", n as f64 / d.as_secs_f64())
}

fn ms(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1000.0)
}

async fn push_and_pull(process: &Server, label: &str, visits: usize) {
    let server = &process.api;
    let phone = sign_in(server, "hanlixin").await;
    let shape = visit_shape(server, &phone).await;
    let answers = 60.min(shape.codes.len());
    let now = now_ms();
    let mutations: Vec<Value> = (0..visits)
        .map(|i| {
            let id = uuid::Uuid::now_v7().to_string();
            let mut ops = vec![op("header", shape.header.clone())];
            ops.extend(shape.codes.iter().take(answers).map(|code| {
                op(
                    &format!("answers.{code}.note"),
                    json!(format!("第{i}次督导：{code} 现场查看台账，已拍照留存")),
                )
            }));
            mutation(i + 1, &id, ops, now, i)
        })
        .collect();
    let bytes: usize = mutations.iter().map(|m| m.to_string().len()).sum();
    let started = Instant::now();
    let applied = push_all(server, &phone, &mutations).await;
    let took = started.elapsed();
    println!(
        "bench sync: {label}: push {visits} visits × {answers} answers ({applied} mutations, {} ops, {:.1} MB of JSON, batches of {PUSH_BATCH}): {} ({} visits/s, {} ops/s)",
        applied * (answers + 1),
        bytes as f64 / 1e6,
        ms(took),
        per_second(visits, took),
        per_second(applied * (answers + 1), took)
    );

    let other = sign_in(server, "hanlixin").await;
    let started = Instant::now();
    let (mut cursor, mut changes, mut pages) = (0i64, 0usize, 0usize);
    loop {
        let page = server
            .ok(
                Method::GET,
                &format!(
                    "/api/sync/pull?cursor={cursor}&limit={PULL_LIMIT}&device_id={}",
                    other.device
                ),
                Some(&other.token),
                None,
            )
            .await;
        pages += 1;
        changes += page["changes"].as_array().map_or(0, Vec::len);
        cursor = page["cursor"].as_i64().expect("a cursor");
        if page["has_more"] != json!(true) {
            break;
        }
    }
    let took = started.elapsed();
    println!(
        "bench sync: {label}: pull by a second phone: {changes} changes in {pages} pages of up to {PULL_LIMIT}: {} ({} changes/s)",
        ms(took),
        per_second(changes, took)
    );
    let (rss, peak) = process.memory();
    println!("bench sync: {label}: server memory after push and pull: {rss:.1} MiB resident, peak {peak:.1} MiB");
}

async fn concurrent_pushes(process: &Server, label: &str, devices: usize, total: usize) {
    let server = &process.api;
    let now = now_ms();
    let mut phones = Vec::new();
    for i in 0..devices {
        phones.push(sign_in(server, SUPERVISORS[i % SUPERVISORS.len()]).await);
    }
    // Each phone's own visit, pushed first (not timed).
    let mut work = Vec::new();
    for phone in phones {
        let shape = visit_shape(server, &phone).await;
        let id = uuid::Uuid::now_v7().to_string();
        push_all(
            server,
            &phone,
            &[mutation(1, &id, vec![op("header", shape.header)], now, 0)],
        )
        .await;
        let per_phone = total / devices;
        let n = shape.codes.len();
        let mutations: Vec<Value> = (0..per_phone)
            .map(|i| {
                let ops = (0..3)
                    .map(|k| {
                        let code = &shape.codes[(3 * i + k) % n];
                        op(
                            &format!("answers.{code}.note"),
                            json!(format!("第{i}次修改")),
                        )
                    })
                    .collect();
                mutation(i + 2, &id, ops, now, i + 1)
            })
            .collect();
        work.push((phone, mutations));
    }
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for (phone, mutations) in work {
        let server = server.clone();
        tasks.spawn(async move { push_all(&server, &phone, &mutations).await });
    }
    let mut applied = 0;
    while let Some(n) = tasks.join_next().await {
        applied += n.expect("a phone's pushes");
    }
    let took = started.elapsed();
    let (rss, peak) = process.memory();
    println!(
        "bench sync: {label}: {devices} phone(s) pushing at once: {applied} mutations of 3 ops in {}: {} mutations/s; server {rss:.1} MiB resident, peak {peak:.1} MiB",
        ms(took),
        per_second(applied, took)
    );
}

/// A fresh PostgreSQL schema in the `DUDAO_TEST_PG` database, as a URL whose connections use it.
async fn fresh_pg(base: &str, name: &str) -> String {
    let pool = sqlx::PgPool::connect(base)
        .await
        .unwrap_or_else(|e| panic!("cannot connect to DUDAO_TEST_PG={base}: {e}"));
    for sql in [
        format!("DROP SCHEMA IF EXISTS {name} CASCADE"),
        format!("CREATE SCHEMA {name}"),
    ] {
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .execute(&pool)
            .await
            .expect("create the bench schema");
    }
    pool.close().await;
    let join = if base.contains('?') { '&' } else { '?' };
    format!("{base}{join}options%5Bsearch_path%5D={name}")
}

#[tokio::main]
async fn main() {
    let visits = env_usize("SYNC_BENCH_VISITS", 1000);
    let total = env_usize("SYNC_BENCH_MUTATIONS", 4000);
    let dir = tempfile::tempdir().expect("a temp dir");
    let pg = std::env::var("DUDAO_TEST_PG")
        .ok()
        .filter(|u| !u.is_empty());
    println!(
        "bench sync: release server {}, loopback HTTP/1.1, {} cores; PostgreSQL {}",
        server_bin().display(),
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        if pg.is_some() {
            "from DUDAO_TEST_PG"
        } else {
            "not measured (DUDAO_TEST_PG not set)"
        }
    );
    let mut runs = 0;
    for backend in ["SQLite", "PostgreSQL"] {
        let database = |run: &str| {
            let run = run.to_owned();
            let dir = dir.path().to_owned();
            let pg = pg.clone();
            async move {
                match backend {
                    "SQLite" => Some(dir.join(&run).join("dudao.sqlite").display().to_string()),
                    _ => match pg {
                        Some(base) => Some(fresh_pg(&base, &format!("bench_{run}")).await),
                        None => None,
                    },
                }
            }
        };
        // A data directory per run: the server keeps what it has served there.
        let data = |run: &str| dir.path().join(format!("{backend}-{run}-data"));
        let Some(db) = database("pushpull").await else {
            continue;
        };
        let server = Server::start(&db, &data("pushpull")).await;
        push_and_pull(&server, backend, visits).await;
        drop(server);
        for devices in [1, 8, 32] {
            let db = database(&format!("devices{devices}"))
                .await
                .expect("the same backend");
            let server = Server::start(&db, &data(&format!("devices{devices}"))).await;
            concurrent_pushes(&server, backend, devices, total).await;
        }
        runs += 1;
    }
    assert!(runs > 0, "nothing measured");
}
