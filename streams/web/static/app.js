// The live page: polls the worker's /live JSON and redraws without a reload.
// Vanilla JS, no build step and nothing fetched from elsewhere. Text goes in
// through textContent only (article titles are untrusted input).
"use strict";

const POLL_MS = 2000;
const ARABIC = /[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]/;

function el(tag, attrs, text) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value !== null && value !== undefined) node.setAttribute(name, value);
  }
  if (text !== undefined && text !== null) node.textContent = text;
  return node;
}

// Arabic text is set right-to-left explicitly; anything else lets the browser decide.
function textDir(text) {
  return ARABIC.test(text || "") ? "rtl" : "auto";
}

function entityName(entity, language) {
  if (language === "ar" && entity.name_ar) return entity.name_ar;
  return entity.name || entity.name_ar || entity.id;
}

function fixed(value, digits) {
  return Number(value || 0).toFixed(digits);
}

function renderRates(data) {
  const r = data.rates;
  document.getElementById("rate-articles").textContent = fixed(r.articles_per_s, 2);
  document.getElementById("rate-enriched").textContent = fixed(r.enriched_per_s, 2);
  document.getElementById("rate-duplicates").textContent = fixed(r.duplicates_per_s, 2);
  document.getElementById("rate-deadletters").textContent = fixed(r.deadletters_per_s, 2);
  document.getElementById("deadletter-share").textContent = fixed(100 * r.deadletter_share, 1) + " %";
  document.getElementById("entity-topics").textContent = String(data.entity_topics);
}

function renderTrending(data) {
  const list = document.getElementById("trending");
  const items = data.trending.map((entity) => {
    const li = el("li", { "data-entity-id": entity.id, "data-count": entity.count });
    const label = el("span", { class: "name" });
    const name = el("bdi", { dir: textDir(entity.name), lang: ARABIC.test(entity.name) ? "ar" : null }, entity.name);
    label.append(name);
    if (entity.name_ar && entity.name_ar !== entity.name) {
      label.append(" · ", el("bdi", { dir: "rtl", lang: "ar" }, entity.name_ar));
    }
    if (entity.type) label.append(el("span", { class: "type" }, entity.type));
    li.append(label, el("span", { class: "count" }, String(entity.count)));
    return li;
  });
  list.replaceChildren(...items);
  document.getElementById("trending-empty").hidden = items.length > 0;
}

function renderLatest(data) {
  const list = document.getElementById("latest");
  const items = data.latest.map((article) => {
    const rtl = article.language === "ar";
    const li = el("li", { "data-article-id": article.id, lang: article.language, dir: rtl ? "rtl" : "auto" });
    li.append(el("span", { class: "title", dir: "auto" }, article.title || "(no title)"));
    li.append(el("span", { class: "meta", dir: "ltr" }, article.source + " · " + article.published_at));
    const chips = el("div", { class: "chips" });
    for (const entity of article.entities) {
      const name = entityName(entity, article.language);
      chips.append(el("span", {
        class: "chip " + (entity.type || ""),
        "data-entity-id": entity.id,
        title: entity.topic || "no topic yet",
        dir: textDir(name),
      }, name));
    }
    li.append(chips);
    return li;
  });
  list.replaceChildren(...items);
}

async function poll() {
  const status = document.getElementById("status");
  try {
    const response = await fetch("/live", { cache: "no-store" });
    if (!response.ok) throw new Error("HTTP " + response.status);
    const data = await response.json();
    renderRates(data);
    renderTrending(data);
    renderLatest(data);
    status.textContent = "updated " + new Date(data.now * 1000).toLocaleTimeString();
    status.dataset.updates = String(Number(status.dataset.updates || 0) + 1);
  } catch (error) {
    status.textContent = "worker unreachable (" + error.message + "); retrying…";
  } finally {
    setTimeout(poll, POLL_MS);
  }
}

poll();
