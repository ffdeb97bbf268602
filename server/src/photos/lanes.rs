//! One request at a time per upload, and the newest one wins.
//!
//! A phone on a weak link often loses a connection without the server noticing: the old `PATCH`
//! sits waiting for bytes that will never come while the phone, on a new connection, asks for
//! the offset and resumes. So a newer request from the uploader asks the older one to stop
//! (it keeps the bytes it has, see `crate::api::photos`), waits for it, and then reads the
//! offset. This is tusd's "lock with request cancellation".
//!
//! The lanes are per server process; several instances behind a load balancer are kept apart by
//! the store's compare-and-set on the offset ([`crate::db::PhotoStore::move_photo_offset`]).

use std::collections::HashMap;
use std::pin::pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use tokio::sync::{Notify, OwnedMutexGuard};

#[derive(Debug, Default)]
pub struct Lanes {
    map: Mutex<HashMap<String, Arc<Lane>>>,
}

#[derive(Debug, Default)]
struct Lane {
    turn: Arc<tokio::sync::Mutex<()>>,
    /// The ticket of the newest request; a holder whose ticket is older should stop.
    newest: AtomicU64,
    newer: Notify,
}

/// The turn of one request on one upload; dropping it lets the next one in.
#[derive(Debug)]
pub struct LaneGuard {
    lanes: Arc<Lanes>,
    id: String,
    lane: Arc<Lane>,
    ticket: u64,
    turn: Option<OwnedMutexGuard<()>>,
}

impl Lanes {
    /// Waits for the lane of upload `id`, asking whoever holds it to stop. `None` when an even
    /// newer request came while waiting: that one goes next and this one should give up.
    pub async fn take_over(self: &Arc<Self>, id: &str) -> Option<LaneGuard> {
        let (lane, ticket) = {
            let mut map = self.map.lock().unwrap_or_else(|e| e.into_inner());
            let lane = map.entry(id.to_owned()).or_default().clone();
            let ticket = lane.newest.fetch_add(1, Ordering::SeqCst) + 1;
            (lane, ticket)
        };
        lane.newer.notify_waiters();
        let turn = lane.turn.clone().lock_owned().await;
        let guard = LaneGuard {
            lanes: self.clone(),
            id: id.to_owned(),
            ticket,
            lane,
            turn: Some(turn),
        };
        (guard.lane.newest.load(Ordering::SeqCst) == ticket).then_some(guard)
    }
}

impl LaneGuard {
    /// Resolves once a newer request wants this upload.
    pub async fn superseded(&self) {
        loop {
            let mut notified = pin!(self.lane.newer.notified());
            // Registered before the check, so a newer request between the two still wakes us.
            notified.as_mut().enable();
            if self.lane.newest.load(Ordering::SeqCst) != self.ticket {
                return;
            }
            notified.await;
        }
    }
}

impl Drop for LaneGuard {
    fn drop(&mut self) {
        drop(self.turn.take());
        let mut map = self.lanes.map.lock().unwrap_or_else(|e| e.into_inner());
        // Only the map and this guard hold it: nobody waits, so forget the lane.
        if Arc::strong_count(&self.lane) == 2 {
            map.remove(&self.id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_newer_request_stops_the_holder_and_goes_next() {
        let lanes = Arc::new(Lanes::default());
        let first = lanes.take_over("a").await.expect("free lane");
        let waiting = tokio::spawn({
            let lanes = lanes.clone();
            async move { lanes.take_over("a").await.map(|g| g.ticket) }
        });
        // The holder hears of the newer request, stops and lets it in.
        first.superseded().await;
        drop(first);
        assert_eq!(waiting.await.expect("task"), Some(2));
        // Nobody holds or waits for it any more: the lane is gone.
        assert!(lanes.map.lock().expect("map").is_empty());
    }

    #[tokio::test]
    async fn of_two_waiting_requests_only_the_newest_gets_the_lane() {
        let lanes = Arc::new(Lanes::default());
        let first = lanes.take_over("a").await.expect("free lane");
        let second = tokio::spawn({
            let lanes = lanes.clone();
            async move { lanes.take_over("a").await.is_some() }
        });
        first.superseded().await;
        let third = tokio::spawn({
            let lanes = lanes.clone();
            async move { lanes.take_over("a").await.is_some() }
        });
        // Wait until the third has taken its ticket.
        while first.lane.newest.load(Ordering::SeqCst) < 3 {
            tokio::task::yield_now().await;
        }
        drop(first);
        assert!(!second.await.expect("task"));
        assert!(third.await.expect("task"));
        // Another upload has its own lane.
        assert!(lanes.take_over("b").await.is_some());
    }
}
