// The status page: polls /api/status and puts what it says into the page as text (never as markup:
// file names and reasons are hostile input). Links go only to http(s) addresses.
"use strict";

const POLL_MS = 2000;

function cell(text, className) {
  const td = document.createElement("td");
  td.textContent = text === null || text === undefined ? "" : String(text);
  if (className) td.className = className;
  return td;
}

function fillTable(id, rows, columns, emptyText) {
  const body = document.querySelector(`#${id} tbody`);
  body.replaceChildren();
  if (rows.length === 0) {
    const tr = document.createElement("tr");
    const td = cell(emptyText, "empty");
    td.colSpan = columns;
    tr.append(td);
    body.append(tr);
    return;
  }
  for (const cells of rows) {
    const tr = document.createElement("tr");
    tr.append(...cells);
    body.append(tr);
  }
}

function ago(seconds) {
  if (seconds === null || seconds === undefined) return "never";
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min ago`;
}

function since(seconds) {
  return ago(seconds).replace(" ago", "");
}

function safeLink(url, text) {
  const td = document.createElement("td");
  if (typeof url === "string" && /^https?:\/\//i.test(url)) {
    const a = document.createElement("a");
    a.href = url;
    a.textContent = text;
    a.rel = "noreferrer";
    td.append(a);
  } else {
    td.textContent = text || "";
  }
  return td;
}

async function retry(id, button) {
  const token = document.getElementById("token").value;
  const result = document.getElementById("retry-result");
  button.disabled = true;
  try {
    const response = await fetch("/api/retry", {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Ingest-Token": token },
      body: JSON.stringify({ id }),
    });
    const answer = await response.json();
    result.textContent = response.ok
      ? `Put back ${answer.restored} file(s) from ${answer.path}; the service takes it again.`
      : `Retry refused: ${answer.error}`;
  } catch (error) {
    result.textContent = `Retry failed: ${error}`;
  } finally {
    button.disabled = false;
  }
}

function render(s) {
  const now = s.now;
  const paused = document.getElementById("paused");
  paused.hidden = !s.paused_reason;
  paused.textContent = s.paused_reason ? `Ingestion is paused: ${s.paused_reason}` : "";
  const problems = [];
  if (s.benchling && s.benchling.problem) problems.push(`Benchling: ${s.benchling.problem}`);
  if (s.ledger_problem) problems.push(`Ledger: ${s.ledger_problem}`);
  const mapping = s.mapping;
  if (mapping && mapping.problem) problems.push(`Mapping file: ${mapping.problem}`);
  document.getElementById("mapping").textContent = mapping
    ? `Mapping in use: ${mapping.path} (sha256 ${mapping.sha256}), loaded ` +
      `${new Date(mapping.loaded_at * 1000).toLocaleString()}.`
    : "";
  const problemBox = document.getElementById("problems");
  problemBox.hidden = problems.length === 0;
  problemBox.textContent = problems.join(" — ");
  document.getElementById("service").textContent =
    `Service ${s.instance} (pid ${s.pid}), ${s.running ? "running" : "stopped"} since ` +
    `${new Date(s.started_at * 1000).toLocaleString()} — Benchling ${s.benchling.url}`;

  const counts = Object.entries(s.counts || {}).filter(([, n]) => n > 0);
  fillTable("counts", counts.map(([state, n]) => [cell(state), cell(n, "num")]), 2, "No files yet.");
  const oldest = s.oldest_pending;
  document.getElementById("oldest-pending").textContent = oldest
    ? `Oldest pending: ${oldest.path} (${oldest.state}, since ${oldest.since})`
    : "Nothing pending.";

  fillTable("in-flight", (s.in_flight || []).map((f) => [
    cell(f.path, "path"), cell(f.step), cell(since(now - f.since)),
  ]), 3, "No file in flight.");

  fillTable("done", (s.recent || []).map((f) => [
    cell(f.path, "path"), cell(f.kind), safeLink(f.run_url, f.run_id), cell(ago(now - f.at)),
  ]), 4, "No file finished since the service started.");

  document.getElementById("token-row").hidden = !s.can_retry;
  fillTable("failures", (s.failures || []).map((f) => {
    const action = document.createElement("td");
    if (s.can_retry && f.quarantined_at) {
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = "Retry";
      button.addEventListener("click", () => retry(f.id, button));
      action.append(button);
    }
    return [cell(f.path, "path"), cell(f.reason, "bad"), cell(f.quarantined_at || "(not moved)", "path"), action];
  }), 4, "No failures.");

  fillTable("folders", (s.folders || []).map((f) => [
    cell(f.path, "path"),
    cell(f.scanned_at === null ? "not yet" : ago(now - f.scanned_at)),
    cell(f.reachable ? "yes" : `no: ${f.problem}`, f.reachable ? "good" : "bad"),
  ]), 3, "No folders.");

  const rate = s.rate_limit;
  document.getElementById("rate-limit").textContent = rate && rate.used !== null
    ? `Rate-limit budget used: ${rate.used} of ${rate.limit} (${rate.remaining} left, resets in ${rate.reset_seconds ?? "?"} s).`
    : "Rate-limit budget: Benchling has sent no rate-limit headers yet.";
  const r = s.requests;
  document.getElementById("requests").textContent =
    `Requests: ${r.total}, 429s: ${r.rate_limited}, retries: ${r.retries}; last answer ${ago(s.benchling.last_answer_at === null ? null : now - s.benchling.last_answer_at)}.`;

  fillTable("hosts", (s.hosts || []).map((h) => [
    cell(h.host), cell(h.pid, "num"), cell(h.command), cell(h.state),
    cell(`${Math.round(h.heartbeat_age_seconds)} s ago`),
    cell(Object.entries(h.outcomes || {}).map(([k, n]) => `${k} ${n}`).join(", ")),
    cell(h.paused_reason || ""),
  ]), 7, "No running service recorded.");

  document.getElementById("updated").textContent = `Updated ${new Date(now * 1000).toLocaleTimeString()}.`;
}

async function poll() {
  try {
    const response = await fetch("/api/status", { cache: "no-store" });
    if (response.ok) render(await response.json());
    else document.getElementById("updated").textContent = `The service answered ${response.status}.`;
  } catch (error) {
    document.getElementById("updated").textContent = `The service does not answer: ${error}`;
  }
  setTimeout(poll, POLL_MS);
}

poll();
