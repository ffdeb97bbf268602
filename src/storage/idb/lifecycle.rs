//! The page's life and the database: every connection and every unfinished transaction is let
//! go when the page is hidden (`pagehide`, and `freeze` where the browser freezes background
//! tabs), and a page shown again from the back/forward cache reloads if anything was cut off.
//! A read that does not answer in time is an error ([`StorageError::Stalled`]), not an empty
//! phone.
//!
//! Why: WebKit keeps a page in its back/forward cache with its transactions suspended. A sync
//! step running when the supervisor left the page (a navigation right after the server
//! answered) kept its read-write transaction open there, and every later page's reads of the
//! same stores waited behind it, as if the phone had lost everything, until the browser
//! restarted (issue 16, item 2; the WebKit walk's stall phase plays it).

use super::*;
use web_sys::IdbTransaction;

/// How long a read may take before it is reported as stalled. A read of 1,000 visits takes
/// about 0.6 s on a mid-range phone; this is twenty times that.
pub const STALL_MS: i32 = 15_000;

/// Announced when a read did not answer in time, and when reads answer again afterwards.
pub const EVENT_STALLED: &str = "dudao-db-stalled";
pub const EVENT_ANSWERING: &str = "dudao-db-answering";

struct LiveTx {
    id: u64,
    tx: IdbTransaction,
    /// Asked to commit (`commit()`): everything is queued and the browser finishes it without
    /// the page, so it is not cut off.
    committing: Rc<Cell<bool>>,
}

struct Conn {
    db: std::rc::Weak<RefCell<IdbDatabase>>,
    closed: std::rc::Weak<Cell<bool>>,
}

thread_local! {
    static LIVE: RefCell<Vec<LiveTx>> = const { RefCell::new(Vec::new()) };
    static NEXT: Cell<u64> = const { Cell::new(0) };
    static CONNS: RefCell<Vec<Conn>> = const { RefCell::new(Vec::new()) };
    /// Between `pagehide`/`freeze` and `pageshow`/`resume`.
    static HIDDEN: Cell<bool> = const { Cell::new(false) };
    /// Work was cut off (a transaction aborted, or one refused) while hidden.
    static CUT_OFF: Cell<bool> = const { Cell::new(false) };
    static STALLED: Cell<bool> = const { Cell::new(false) };
    static TIMEOUT_MS: Cell<i32> = const { Cell::new(STALL_MS) };
    static INSTALLED: Cell<bool> = const { Cell::new(false) };
}

/// An unfinished transaction, tracked while this guard lives.
pub(super) struct Live {
    id: u64,
    committing: Rc<Cell<bool>>,
}

impl Live {
    /// Set when the transaction was asked to commit: hiding the page no longer cuts it off.
    pub(super) fn flag(&self) -> Rc<Cell<bool>> {
        self.committing.clone()
    }
}

impl Drop for Live {
    fn drop(&mut self) {
        let id = self.id;
        LIVE.with(|l| l.borrow_mut().retain(|t| t.id != id));
    }
}

pub(super) fn track(tx: &IdbTransaction) -> Live {
    let id = NEXT.with(|n| {
        n.set(n.get() + 1);
        n.get()
    });
    let committing = Rc::new(Cell::new(false));
    LIVE.with(|l| {
        l.borrow_mut().push(LiveTx {
            id,
            tx: tx.clone(),
            committing: committing.clone(),
        })
    });
    Live { id, committing }
}

/// Remembers a connection, to close it when the page is hidden.
pub(super) fn register(db: &Rc<RefCell<IdbDatabase>>, closed: &Rc<Cell<bool>>) {
    CONNS.with(|c| {
        let mut conns = c.borrow_mut();
        conns.retain(|c| c.db.strong_count() > 0);
        conns.push(Conn {
            db: Rc::downgrade(db),
            closed: Rc::downgrade(closed),
        });
    });
}

/// A new transaction may begin: not while the page is hidden (it would hold the stores for as
/// long as the page sits in the back/forward cache).
pub(super) fn check_awake() -> Result<(), StorageError> {
    if HIDDEN.with(Cell::get) {
        CUT_OFF.with(|c| c.set(true));
        return Err(StorageError::Failed(
            "the page is hidden: no new transaction".into(),
        ));
    }
    Ok(())
}

/// Lets go of the database: aborts every transaction not yet committing (its changes are not
/// kept, as when the browser discards the page; the sync steps are idempotent and run again)
/// and closes every connection (the next call opens it again). Returns how many transactions
/// were cut off.
pub fn release() -> usize {
    HIDDEN.with(|h| h.set(true));
    let live = LIVE.with(|l| std::mem::take(&mut *l.borrow_mut()));
    let mut cut = 0;
    for t in &live {
        if !t.committing.get() && t.tx.abort().is_ok() {
            cut += 1;
        }
    }
    // The guards still remove their (now absent) entries when their futures end.
    drop(live);
    if cut > 0 {
        CUT_OFF.with(|c| c.set(true));
    }
    CONNS.with(|c| {
        for conn in c.borrow().iter() {
            if let (Some(db), Some(closed)) = (conn.db.upgrade(), conn.closed.upgrade()) {
                db.borrow().close();
                closed.set(true);
            }
        }
    });
    if cut > 0 {
        leptos::logging::log!("page hidden: {cut} unfinished IndexedDB transaction(s) aborted");
    }
    cut
}

/// The page is shown again. Returns whether work was cut off while it was hidden (the page
/// then reloads, so that nothing on screen is older than what is stored).
pub fn wake() -> bool {
    HIDDEN.with(|h| h.set(false));
    CUT_OFF.with(|c| c.replace(false))
}

/// How many transactions are unfinished now (tests).
pub fn live_count() -> usize {
    LIVE.with(|l| l.borrow().len())
}

/// Reads answer after `ms` at most (tests shorten it).
pub fn set_stall_ms(ms: i32) {
    TIMEOUT_MS.with(|t| t.set(ms));
}

pub(super) fn stall_ms() -> i32 {
    TIMEOUT_MS.with(Cell::get)
}

/// A read did not answer in time: the UI says so.
pub(super) fn stalled() {
    if !STALLED.with(|s| s.replace(true)) {
        web_sys::console::error_1(
            &format!("IndexedDB read did not answer within {} ms", stall_ms()).into(),
        );
    }
    announce(EVENT_STALLED);
}

/// A read answered: if one had stalled, the UI can stop saying so.
pub(super) fn answered() {
    if STALLED.with(|s| s.replace(false)) {
        announce(EVENT_ANSWERING);
    }
}

/// Listens for the page being hidden and shown again; once per page.
pub fn install() {
    if INSTALLED.with(|i| i.replace(true)) {
        return;
    }
    let Some(w) = web_sys::window() else {
        return;
    };
    let hide = Closure::<dyn FnMut(web_sys::Event)>::new(|_: web_sys::Event| {
        release();
    });
    for event in ["pagehide", "freeze"] {
        let _ = w.add_event_listener_with_callback(event, hide.as_ref().unchecked_ref());
    }
    hide.forget();
    let show = Closure::<dyn FnMut(web_sys::Event)>::new(|ev: web_sys::Event| {
        // `pageshow` also fires on the first load (not persisted): nothing was hidden then.
        let persisted = js_sys::Reflect::get(&ev, &"persisted".into())
            .ok()
            .and_then(|p| p.as_bool())
            .unwrap_or(false);
        if ev.type_() == "pageshow" && !persisted {
            return;
        }
        if wake() {
            leptos::logging::log!("page shown again after work was cut off: reloading");
            if let Some(w) = web_sys::window() {
                let _ = w.location().reload();
            }
        }
    });
    for event in ["pageshow", "resume"] {
        let _ = w.add_event_listener_with_callback(event, show.as_ref().unchecked_ref());
    }
    show.forget();
}
