//! A randomized model test of sync against the real server (SQLite and PostgreSQL): several
//! simulated devices — two phones of one supervisor, a phone whose clock is a year ahead, and
//! the office — edit the same visits at random, go offline, lose answers to pushes that were
//! committed ("crash after commit"), stop half-way through a pull, and sync again.
//!
//! Each device runs the app's own rules (`dudao_domain::sync::client::RecordSync`) over real
//! HTTP requests to the router. At the end, with everyone online:
//! - every device holds exactly the server's fields (they converge);
//! - every value the server accepted is the field's final value, or was replaced by a writer
//!   that had seen it, or is kept in the conflicts table — nothing accepted silently vanishes;
//! - every value that lost a conflict is in the conflicts table.

use std::collections::{BTreeMap, BTreeSet};

use axum::http::StatusCode;
use axum::Router;
use dudao_domain::sync::client::RecordSync;
use dudao_domain::sync::fields::Fields;
use dudao_domain::sync::wire::{
    Change, ConflictsResponse, FieldOutcome, Mutation, MutationStatus, Op, PullResponse,
    PushResponse,
};
use dudao_domain::sync::Hlc;
use dudao_server::demo;
use serde_json::{json, Value};

use dudao_server::clock::now_ms;

use crate::common::{get_as as get, post_json as post, test_app_on, uuid, Backend};

/// A small deterministic generator, so a failing seed can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

const YEAR_MS: i64 = 365 * 24 * 3600 * 1000;
const STATUSES: &[&str] = &["pending", "rectifying", "awaiting_recheck", "closed"];

struct Device {
    name: &'static str,
    office: bool,
    device_id: String,
    token: String,
    /// Added to the server's clock when this device stamps an edit.
    clock_offset: i64,
    online: bool,
    hlc: Hlc,
    next_seq: i64,
    local: BTreeMap<String, Fields>,
    records: BTreeMap<String, RecordSync>,
    /// Records changed since their last mutation was made (the outbox).
    dirty: BTreeSet<String>,
    /// Mutations made and not yet answered, in seq order.
    pending: Vec<Mutation>,
    cursor: i64,
}

/// One op the server answered, as the device saw it.
#[derive(Debug, Clone)]
struct Accepted {
    record: String,
    field: String,
    value: Value,
    rev: i64,
    base_rev: i64,
    device: String,
    outcome: FieldOutcome,
}

struct World {
    router: Router,
    devices: Vec<Device>,
    accepted: Vec<Accepted>,
    edits: u64,
}

async fn login(router: &Router, user: &str, device_id: &str) -> String {
    let reply = post(
        router,
        "/api/login",
        &json!({"username": user, "password": demo::DEMO_PASSWORD, "device_id": device_id}),
        None,
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    reply.json()["token"].as_str().unwrap().to_owned()
}

impl Device {
    fn fields(&self, record: &str) -> Fields {
        self.local.get(record).cloned().unwrap_or_default()
    }

    fn rs(&mut self, record: &str) -> &mut RecordSync {
        self.records
            .entry(record.to_owned())
            .or_insert_with(|| RecordSync::new("visit", record))
    }

    fn edit(&mut self, record: &str, field: &str, value: Value) {
        self.local
            .entry(record.to_owned())
            .or_default()
            .insert(field.to_owned(), value);
        self.dirty.insert(record.to_owned());
    }

    /// The outbox becomes mutations: one per changed record, only the fields that differ.
    fn make_mutations(&mut self) {
        let dirty: Vec<String> = std::mem::take(&mut self.dirty).into_iter().collect();
        for record in dirty {
            let local = self.fields(&record);
            let ops: Vec<Op> = self.rs(&record).ops(&local);
            if ops.is_empty() {
                continue;
            }
            self.rs(&record).sent(&ops);
            self.hlc = self.hlc.tick(now_ms() + self.clock_offset);
            self.pending.push(Mutation {
                seq: self.next_seq,
                entity: "visit".into(),
                entity_id: record,
                ops,
                hlc: self.hlc,
            });
            self.next_seq += 1;
        }
    }
}

impl World {
    /// One sync cycle of device `d`: make mutations, push, pull. `crash`: the push is committed
    /// on the server but the answer never reaches the device. `stop_after`: the pull stops after
    /// that many pages (the tab was killed).
    async fn sync(&mut self, d: usize, crash: bool, stop_after: Option<usize>) {
        let router = self.router.clone();
        let dev = &mut self.devices[d];
        if !dev.online {
            return;
        }
        dev.make_mutations();
        if !dev.pending.is_empty() {
            let body = json!({"device_id": dev.device_id, "mutations": dev.pending});
            let reply = post(&router, "/api/sync/push", &body, Some(&dev.token)).await;
            assert_eq!(
                reply.status,
                StatusCode::OK,
                "{}: {}",
                dev.name,
                reply.text()
            );
            if crash {
                return;
            }
            let answer: PushResponse = serde_json::from_slice(&reply.body).unwrap();
            let sent = std::mem::take(&mut dev.pending);
            for (m, r) in sent.iter().zip(&answer.results) {
                assert_eq!(m.seq, r.seq);
                assert_ne!(
                    r.status,
                    MutationStatus::Rejected,
                    "{}: {:?}",
                    dev.name,
                    r.reason
                );
                for f in &r.fields {
                    let op = m.ops.iter().find(|o| o.field == f.field).unwrap();
                    self.accepted.push(Accepted {
                        record: m.entity_id.clone(),
                        field: f.field.clone(),
                        value: op.value.clone(),
                        rev: f.rev,
                        base_rev: op.base_rev,
                        device: dev.device_id.clone(),
                        outcome: f.outcome,
                    });
                }
                let local = dev.fields(&m.entity_id);
                let take = dev.rs(&m.entity_id).answered(m, r, &local);
                dev.local
                    .entry(m.entity_id.clone())
                    .or_default()
                    .extend(take);
            }
        }
        let mut pages = 0;
        loop {
            if stop_after == Some(pages) {
                return;
            }
            let uri = format!(
                "/api/sync/pull?cursor={}&limit=3&device_id={}",
                dev.cursor, dev.device_id
            );
            let reply = get(&router, &uri, &dev.token).await;
            assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
            let page: PullResponse = serde_json::from_slice(&reply.body).unwrap();
            for c in &page.changes {
                apply_change(dev, c);
            }
            dev.cursor = page.cursor;
            pages += 1;
            if !page.has_more {
                return;
            }
        }
    }
}

fn apply_change(dev: &mut Device, c: &Change) {
    dev.hlc = dev.hlc.recv(c.hlc, now_ms() + dev.clock_offset);
    let local = dev.fields(&c.entity_id);
    if let Some(v) = dev.rs(&c.entity_id).pulled(c, &local, false) {
        dev.local
            .entry(c.entity_id.clone())
            .or_default()
            .insert(c.field.clone(), v);
    }
}

async fn model(backend: Backend, seed: u64) {
    let t = test_app_on(backend).await;
    let router = t.router.clone();
    let mut devices = Vec::new();
    for (i, (name, user, office, offset)) in [
        ("phone A", "hanlixin", false, 0),
        ("phone B", "hanlixin", false, 0),
        ("phone a year ahead", "hanlixin", false, YEAR_MS),
        ("office", "zhouli", true, 0),
    ]
    .into_iter()
    .enumerate()
    {
        let device_id = uuid(seed * 16 + i as u64 + 1);
        let token = login(&router, user, &device_id).await;
        devices.push(Device {
            name,
            office,
            device_id,
            token,
            clock_offset: offset,
            online: true,
            hlc: Hlc::ZERO,
            next_seq: 1,
            local: BTreeMap::new(),
            records: BTreeMap::new(),
            dirty: BTreeSet::new(),
            pending: Vec::new(),
            cursor: 0,
        });
    }
    // Phone A starts two visits at one of its schools, with one finding each.
    let schools = get(&router, "/api/schools", &devices[0].token).await.json();
    let school = schools[0].clone();
    let visits = [uuid(0xA000 + seed), uuid(0xB000 + seed)];
    for v in &visits {
        let header = json!({"school_id": school["id"], "school": school, "supervisor": "韩立新",
                            "templates": [], "started_at": now_ms()});
        let d = &mut devices[0];
        d.edit(v, "header", header);
        d.edit(v, "state", json!("finished"));
        d.edit(v, "findings", json!([format!("{v}:F1")]));
        d.edit(
            v,
            &format!("findings.{v}:F1.description"),
            json!("消防通道堆放杂物"),
        );
        d.edit(v, &format!("findings.{v}:F1.status"), json!("pending"));
    }
    let mut w = World {
        router,
        devices,
        accepted: Vec::new(),
        edits: 0,
    };
    for d in 0..w.devices.len() {
        w.sync(d, false, None).await;
    }
    for d in 0..w.devices.len() {
        w.sync(d, false, None).await;
    }

    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    for _ in 0..160 {
        let d = rng.below(w.devices.len());
        match rng.below(10) {
            0..=4 => {
                let v = visits[rng.below(2)].clone();
                w.edits += 1;
                let n = w.edits;
                let dev = &mut w.devices[d];
                if dev.office || rng.chance(15) {
                    let s = STATUSES[rng.below(STATUSES.len())];
                    dev.edit(&v, &format!("findings.{v}:F1.status"), json!(s));
                } else {
                    let field = match rng.below(4) {
                        0 => "answers.JC-01.note".to_owned(),
                        1 => "answers.JC-02.note".to_owned(),
                        2 => format!("findings.{v}:F1.owner"),
                        _ => format!("findings.{v}:F1.description"),
                    };
                    dev.edit(&v, &field, json!(format!("{} #{n}", dev.name)));
                }
            }
            5 => {
                let dev = &mut w.devices[d];
                dev.online = !dev.online;
            }
            6 => w.sync(d, true, None).await,
            7 => {
                let stop = rng.below(3);
                w.sync(d, false, Some(stop)).await
            }
            _ => w.sync(d, false, None).await,
        }
    }

    // Everyone back online; sync until nothing is left to send.
    for dev in &mut w.devices {
        dev.online = true;
    }
    for _ in 0..3 {
        for d in 0..w.devices.len() {
            w.sync(d, false, None).await;
        }
    }
    for dev in &w.devices {
        assert!(
            dev.pending.is_empty() && dev.dirty.is_empty(),
            "{} still has changes",
            dev.name
        );
    }

    // The server's state, read from the start of the change log by an administrator.
    let admin_device = uuid(seed * 16 + 9);
    let admin = login(&w.router, "admin", &admin_device).await;
    let mut server: BTreeMap<(String, String), (Value, i64)> = BTreeMap::new();
    let mut cursor = 0;
    loop {
        let uri = format!("/api/sync/pull?cursor={cursor}&limit=50&device_id={admin_device}");
        let page: PullResponse =
            serde_json::from_slice(&get(&w.router, &uri, &admin).await.body).expect("pull page");
        for c in page.changes {
            let slot = server
                .entry((c.entity_id, c.field))
                .or_insert((Value::Null, 0));
            assert!(c.rev > slot.1, "revisions only rise in the change log");
            *slot = (c.value, c.rev);
        }
        cursor = page.cursor;
        if !page.has_more {
            break;
        }
    }
    let conflicts: ConflictsResponse = serde_json::from_slice(
        &get(&w.router, "/api/sync/conflicts?all=1", &admin)
            .await
            .body,
    )
    .expect("conflicts");
    let lost: BTreeSet<(String, String, String)> = conflicts
        .conflicts
        .iter()
        .map(|c| {
            (
                c.entity_id.clone(),
                c.field.clone(),
                c.lost_value.to_string(),
            )
        })
        .collect();

    // They converge: every device holds the server's value of every field.
    for dev in &w.devices {
        for ((record, field), (value, _)) in &server {
            assert_eq!(
                dev.local.get(record).and_then(|f| f.get(field)),
                Some(value),
                "seed {seed}: {} disagrees on {record} {field}",
                dev.name
            );
        }
    }

    // Nothing accepted vanished.
    for a in &w.accepted {
        let key = (a.record.clone(), a.field.clone());
        let (final_value, _) = &server[&key];
        let in_conflicts = lost.contains(&(a.record.clone(), a.field.clone(), a.value.to_string()));
        match a.outcome {
            FieldOutcome::Lost => {
                assert!(in_conflicts, "seed {seed}: a lost value is not kept: {a:?}")
            }
            FieldOutcome::Unchanged => {}
            FieldOutcome::Applied => {
                let replaced_knowingly = w.accepted.iter().any(|b| {
                    b.record == a.record
                        && b.field == a.field
                        && b.rev > a.rev
                        && b.outcome == FieldOutcome::Applied
                        && (b.base_rev >= a.rev || b.device == a.device)
                });
                assert!(
                    *final_value == a.value || replaced_knowingly || in_conflicts,
                    "seed {seed}: an accepted value vanished: {a:?}"
                );
            }
        }
    }
    assert!(w.accepted.len() > 40, "the run exercised the server");
}

async fn randomized_devices_converge_and_lose_nothing(backend: Backend) {
    for seed in 1..=4 {
        model(backend, seed).await;
    }
}

both_backends!(randomized_devices_converge_and_lose_nothing);
