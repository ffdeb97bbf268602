//! A signature pad: a canvas the school representative signs on with a finger, stylus or mouse.
//!
//! Pointer events with pointer capture (a stroke that leaves the box keeps drawing until lifted),
//! `touch-action: none` so the page does not scroll under the finger, a backing store scaled by
//! `devicePixelRatio` for sharp lines, and quadratic curves through the midpoints of the sampled
//! points for smooth ones. The strokes are kept in CSS pixels and redrawn when the pad changes
//! size (rotating the phone). After each stroke the pad reports the drawing as a PNG data URL;
//! after 清除 it reports `None`.

use crate::i18n::use_i18n;
use leptos::html::Canvas;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, PointerEvent};

/// The pad's height in CSS pixels.
const HEIGHT: f64 = 200.0;
const LINE_WIDTH: f64 = 2.6;
const INK: &str = "#10233f";

type Point = (f64, f64);

fn context(canvas: &HtmlCanvasElement) -> Option<CanvasRenderingContext2d> {
    canvas
        .get_context("2d")
        .ok()
        .flatten()
        .and_then(|c| c.dyn_into().ok())
}

fn dpr() -> f64 {
    web_sys::window()
        .map(|w| w.device_pixel_ratio())
        .unwrap_or(1.0)
        .max(1.0)
}

/// Sizes the backing store to the element's CSS size × devicePixelRatio; `true` when it changed
/// (which clears the canvas).
fn fit(canvas: &HtmlCanvasElement) -> bool {
    let ratio = dpr();
    let w = (canvas.client_width() as f64 * ratio).round() as u32;
    let h = (HEIGHT * ratio).round() as u32;
    if w == 0 || (canvas.width() == w && canvas.height() == h) {
        return false;
    }
    canvas.set_width(w);
    canvas.set_height(h);
    true
}

fn prepare(ctx: &CanvasRenderingContext2d) {
    let ratio = dpr();
    let _ = ctx.set_transform(ratio, 0.0, 0.0, ratio, 0.0, 0.0);
    ctx.set_line_width(LINE_WIDTH);
    ctx.set_line_cap("round");
    ctx.set_line_join("round");
    ctx.set_stroke_style_str(INK);
    ctx.set_fill_style_str(INK);
}

fn mid(a: Point, b: Point) -> Point {
    ((a.0 + b.0) / 2.0, (a.1 + b.1) / 2.0)
}

/// Draws the part of a stroke that its newest point adds: a quadratic curve from the midpoint
/// before the previous point, through it, to the midpoint after it.
fn draw_tail(ctx: &CanvasRenderingContext2d, stroke: &[Point]) {
    match stroke {
        [] => {}
        [p] => {
            ctx.begin_path();
            let _ = ctx.arc(p.0, p.1, LINE_WIDTH / 2.0, 0.0, std::f64::consts::TAU);
            ctx.fill();
        }
        [.., a, b] => {
            let n = stroke.len();
            let start = if n >= 3 { mid(stroke[n - 3], *a) } else { *a };
            let end = mid(*a, *b);
            ctx.begin_path();
            ctx.move_to(start.0, start.1);
            ctx.quadratic_curve_to(a.0, a.1, end.0, end.1);
            ctx.stroke();
        }
    }
}

/// Finishes a stroke: the last half segment to the point where the pen lifted.
fn draw_end(ctx: &CanvasRenderingContext2d, stroke: &[Point]) {
    if let [.., a, b] = stroke {
        let start = mid(*a, *b);
        ctx.begin_path();
        ctx.move_to(start.0, start.1);
        ctx.line_to(b.0, b.1);
        ctx.stroke();
    }
}

fn draw_all(ctx: &CanvasRenderingContext2d, strokes: &[Vec<Point>]) {
    for s in strokes {
        for n in 1..=s.len() {
            draw_tail(ctx, &s[..n]);
        }
        draw_end(ctx, s);
    }
}

/// The pointer's position in the canvas, in CSS pixels (fractional where the browser gives it).
fn position(canvas: &HtmlCanvasElement, ev: &PointerEvent) -> Point {
    let rect = canvas.get_bounding_client_rect();
    let get = |name: &str, fallback: i32| {
        js_sys::Reflect::get(ev, &name.into())
            .ok()
            .and_then(|v| v.as_f64())
            .unwrap_or(fallback as f64)
    };
    (
        get("clientX", ev.client_x()) - rect.left(),
        get("clientY", ev.client_y()) - rect.top(),
    )
}

#[component]
pub fn SignaturePad(
    /// The signature as a PNG data URL, `None` while the pad is empty.
    #[prop(into)]
    on_change: Callback<Option<String>>,
    /// The accessible name of the pad.
    #[prop(into)]
    label: Signal<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let canvas_ref = NodeRef::<Canvas>::new();
    let strokes = StoredValue::new(Vec::<Vec<Point>>::new());
    // The pointer drawing the current stroke, if any.
    let active = StoredValue::new(None::<i32>);
    let empty = RwSignal::new(true);

    let redraw = move || {
        let Some(canvas) = canvas_ref.get_untracked() else {
            return;
        };
        let canvas: HtmlCanvasElement = canvas;
        fit(&canvas);
        if let Some(ctx) = context(&canvas) {
            prepare(&ctx);
            ctx.clear_rect(0.0, 0.0, canvas.width() as f64, canvas.height() as f64);
            strokes.with_value(|s| draw_all(&ctx, s));
        }
    };

    Effect::new(move |_| {
        if canvas_ref.get().is_some() {
            redraw();
        }
    });
    let resize = window_event_listener(leptos::ev::resize, move |_| redraw());
    on_cleanup(move || resize.remove());

    let report = move || {
        let Some(canvas) = canvas_ref.get_untracked() else {
            return;
        };
        let is_empty = strokes.with_value(Vec::is_empty);
        empty.set(is_empty);
        if is_empty {
            on_change.run(None);
        } else {
            match canvas.to_data_url_with_type("image/png") {
                Ok(url) => on_change.run(Some(url)),
                Err(e) => {
                    leptos::logging::error!("reading the signature failed: {e:?}");
                    on_change.run(None);
                }
            }
        }
    };

    let down = move |ev: PointerEvent| {
        let Some(canvas) = canvas_ref.get_untracked() else {
            return;
        };
        // One pen at a time; a palm or second finger does not draw.
        if active.get_value().is_some() || (ev.pointer_type() == "mouse" && ev.button() != 0) {
            return;
        }
        ev.prevent_default();
        let _ = canvas.set_pointer_capture(ev.pointer_id());
        active.set_value(Some(ev.pointer_id()));
        if fit(&canvas) {
            redraw();
        }
        let p = position(&canvas, &ev);
        strokes.update_value(|s| s.push(vec![p]));
        if let Some(ctx) = context(&canvas) {
            prepare(&ctx);
            strokes.with_value(|s| draw_tail(&ctx, s.last().map(Vec::as_slice).unwrap_or(&[])));
        }
        empty.set(false);
    };

    let moved = move |ev: PointerEvent| {
        if active.get_value() != Some(ev.pointer_id()) {
            return;
        }
        let Some(canvas) = canvas_ref.get_untracked() else {
            return;
        };
        ev.prevent_default();
        let p = position(&canvas, &ev);
        let Some(ctx) = context(&canvas) else {
            return;
        };
        prepare(&ctx);
        strokes.update_value(|s| {
            if let Some(last) = s.last_mut() {
                // Skip points closer than half a pixel: they only add noise.
                if last
                    .last()
                    .is_some_and(|q| (q.0 - p.0).hypot(q.1 - p.1) < 0.5)
                {
                    return;
                }
                last.push(p);
                draw_tail(&ctx, last);
            }
        });
    };

    let up = move |ev: PointerEvent| {
        if active.get_value() != Some(ev.pointer_id()) {
            return;
        }
        active.set_value(None);
        if let Some(canvas) = canvas_ref.get_untracked() {
            let _ = canvas.release_pointer_capture(ev.pointer_id());
            if let Some(ctx) = context(&canvas) {
                prepare(&ctx);
                strokes.with_value(|s| draw_end(&ctx, s.last().map(Vec::as_slice).unwrap_or(&[])));
            }
        }
        report();
    };

    let clear = move |_| {
        strokes.set_value(Vec::new());
        active.set_value(None);
        redraw();
        report();
    };

    view! {
        <div class="signature-pad" class:signed=move || !empty.get()>
            <div class="signature-area">
                <canvas
                    node_ref=canvas_ref
                    data-testid="signature-pad"
                    role="img"
                    aria-label=move || label.get()
                    style:height=format!("{HEIGHT}px")
                    on:pointerdown=down
                    on:pointermove=moved
                    on:pointerup=up
                    on:pointercancel=up
                ></canvas>
                <div class="signature-guide" aria-hidden="true">
                    <span class="signature-hint" class:hidden=move || !empty.get()>
                        {move || i18n.t().signature_hint}
                    </span>
                </div>
            </div>
            <button type="button" class="btn small signature-clear" data-testid="signature-clear"
                disabled=move || empty.get() on:click=clear>
                {move || i18n.t().clear}
            </button>
        </div>
    }
}
