/** The live figures' own styles, scoped to `.live-figure` (added to a page that has one). */
export const STYLE = `
.live-figure { border: 1px solid #cdd6e0; border-left: 4px solid #1a5fb4; border-radius: 6px;
  padding: 0.7em 1em 0.6em; margin: 1em 0 1.5em; background: #f7f9fc; max-width: 760px;
  font-family: system-ui, -apple-system, "Segoe UI", sans-serif; font-size: 14px; line-height: 1.45;
  color: #1f2328; box-sizing: border-box; }
.live-figure p { margin: 0.3em 0; }
.live-title strong { color: #1a5fb4; }
.live-controls { display: flex; flex-wrap: wrap; gap: 0.4em 1.4em; align-items: center;
  margin: 0.5em 0 0.6em; }
.live-control { display: flex; align-items: center; gap: 0.45em; }
.live-control label { font-weight: 600; }
.live-control input[type=range] { width: 9.5em; accent-color: #1a5fb4; }
.live-control .live-value { width: 6.5em; font: inherit; padding: 1px 4px; }
.live-control select { font: inherit; }
.live-reset { font: inherit; padding: 0.25em 0.8em; border: 1px solid #1a5fb4; color: #1a5fb4;
  background: white; border-radius: 4px; cursor: pointer; }
.live-reset:hover { background: #eaf1fb; }
.live-figure :focus-visible { outline: 2px solid #1a5fb4; outline-offset: 2px; }
.live-plot svg { display: block; max-width: 100%; height: auto; background: white; }
.live-stack { position: relative; display: inline-block; max-width: 100%; cursor: crosshair; }
.live-stack svg { display: block; width: 100%; height: auto; }
.live-stack .live-layer { position: absolute; left: 0; top: 0; background: transparent;
  pointer-events: none; }
.live-number { font-variant-numeric: tabular-nums; font-weight: 600; }
.live-verdict.live-ok { color: #1b7a33; }
.live-verdict.live-no { color: #b3261e; }
.live-timing { color: #5f6b7a; font-size: 12px; }
@media (max-width: 520px) {
  .live-figure { padding: 0.6em 0.6em; }
  .live-control { flex-wrap: wrap; width: 100%; }
  .live-control label { flex: 0 0 100%; }
  .live-control input[type=range] { flex: 1 1 8em; }
}
`;
