// The redaction page: preview what a purpose removes, then download the verified copy.
// Every request carries the session's CSRF token; nothing is loaded from elsewhere.
"use strict";

const csrf = document.querySelector('meta[name="csrf-token"]').content;
const form = document.getElementById("share");
const fileInput = document.getElementById("file");
const policy = document.getElementById("policy");
const result = document.getElementById("result");
const errorLine = document.getElementById("error");
const refusal = document.getElementById("refusal");
const reasonLabel = document.getElementById("reason-label");
const reason = document.getElementById("reason");

function upload(extra) {
  const body = new FormData();
  body.append("file", fileInput.files[0]);
  body.append("policy", policy.value);
  for (const [key, value] of Object.entries(extra || {})) body.append(key, value);
  return body;
}

async function post(path, body) {
  return fetch(path, { method: "POST", body, headers: { "X-CSRF-Token": csrf }, credentials: "same-origin" });
}

function cell(row, text) {
  const td = document.createElement("td");
  td.textContent = text;  // text only: never markup from a file
  row.appendChild(td);
}

function show(plan) {
  const rows = document.querySelector("#plan tbody");
  rows.replaceChildren();
  for (const type of plan.types) {
    const row = document.createElement("tr");
    cell(row, type.entity_type);
    cell(row, String(type.count));
    cell(row, type.operator);
    cell(row, type.examples.join("、"));
    cell(row, type.locations.join("；"));
    rows.appendChild(row);
  }
  const removed = plan.types.filter((t) => t.removed).reduce((n, t) => n + t.count, 0);
  document.getElementById("summary").textContent =
    `${plan.file}：评级 ${plan.grade || "—"}，将处理 ${removed} 处 / grade ${plan.grade || "-"}, ${removed} values to change`;
  refusal.textContent = plan.message || "";
  reasonLabel.hidden = !plan.refused;
  result.hidden = false;
}

async function failure(response) {
  try {
    const body = await response.json();
    return body.message || body.detail || response.statusText;
  } catch (e) {
    return response.statusText;
  }
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  errorLine.textContent = "";
  result.hidden = true;
  const response = await post("/web/preview", upload());
  if (!response.ok) { errorLine.textContent = await failure(response); return; }
  show(await response.json());
});

document.getElementById("download").addEventListener("click", async () => {
  errorLine.textContent = "";
  const extra = reason.value.trim() ? { reason: reason.value.trim() } : {};
  const response = await post("/web/redact", upload(extra));
  if (!response.ok) { errorLine.textContent = await failure(response); return; }
  const disposition = response.headers.get("Content-Disposition") || "";
  const match = disposition.match(/filename\*=UTF-8''(.+)$/);
  const name = match ? decodeURIComponent(match[1]) : "redacted";
  const link = document.createElement("a");
  link.href = URL.createObjectURL(await response.blob());
  link.download = name;
  document.body.appendChild(link);
  link.click();
  link.remove();
});

document.getElementById("logout").addEventListener("click", async () => {
  await post("/logout", new FormData());
  window.location.assign("/login");
});
