// AI Waste Coach web client: plain JS against the REST API under /api/v1 (no framework, no build).
"use strict";

const TEXT = {
  ko: {
    title: "AI 분리배출 코치", signOut: "로그아웃", signInTitle: "로그인",
    signInLead: "사진 한 장으로 무엇을, 어떻게, 왜 분리배출하는지 알려 드려요.",
    nickname: "닉네임", devSignIn: "개발용 로그인", scanTitle: "사진으로 확인하기",
    takePhoto: "사진 찍기 / 고르기", hint: "무엇인지 알려 주셔도 돼요 (선택)", noLocation: "위치 없음",
    useLocation: "내 위치 사용", queued: "접수", processing: "분석 중", done: "완료", failed: "실패",
    howTitle: "이렇게 버려요", whyTitle: "왜 그럴까요?", nearbyTitle: "가까운 배출 장소",
    noNearby: "주변에서 찾은 장소가 없어요.", putOut: (bin) => `주변에서 찾은 장소가 없어요. 배출: ${bin}`, historyTitle: "기록", searchTitle: "품목 찾기",
    searchPlaceholder: "예: 우유팩, 건전지", search: "찾기", askTitle: "물어보기",
    askPlaceholder: "예: 기름 묻은 피자 상자는 어디에 버려요?", ask: "물어보기",
    footer: "지도는 이 서버에서 그린 간단한 약도예요. 길 찾기는 카카오맵 링크로 열려요.",
    signInWith: (p) => `${p}로 로그인`, kakaoMap: "카카오맵", you: "나",
    location: (lat, lon) => `위치: ${lat.toFixed(4)}, ${lon.toFixed(4)}`,
    locating: "위치 확인 중…", noGeo: "위치를 쓸 수 없어요. 위치 없이 확인해요.",
    confidence: (p) => `확신도 ${p}%`, unconfirmed: "답을 주시기 전까지의 안전한 안내예요", answered: (l) => `'${l}'(으)로 답했어요. 안내를 바꿨어요.`,
    stats: (s) => `총 ${s.total_scans}회 · 연속 ${s.streak_days}일 · ${s.points}점`,
    noHistory: "아직 기록이 없어요.", uncertain: "정확히 맞는 품목이 없어 비슷한 것을 보여 드려요.",
    sources: "근거", lang: "English", signingIn: "로그인 중…",
  },
  en: {
    title: "AI Waste Coach", signOut: "Sign out", signInTitle: "Sign in",
    signInLead: "One photo tells you what it is, how to dispose of it, and why.",
    nickname: "Nickname", devSignIn: "Dev sign-in", scanTitle: "Check with a photo",
    takePhoto: "Take or pick a photo", hint: "Say what it is (optional)", noLocation: "No location",
    useLocation: "Use my location", queued: "Queued", processing: "Analysing", done: "Done", failed: "Failed",
    howTitle: "How to dispose of it", whyTitle: "Why?", nearbyTitle: "Nearby drop-offs",
    noNearby: "No drop-off found nearby.", putOut: (bin) => `No drop-off found nearby. Where it goes: ${bin}`, historyTitle: "History", searchTitle: "Find an item",
    searchPlaceholder: "e.g. milk carton, battery", search: "Search", askTitle: "Ask",
    askPlaceholder: "e.g. Where does a greasy pizza box go?", ask: "Ask",
    footer: "The map is a simple sketch drawn here; directions open in Kakao Map.",
    signInWith: (p) => `Sign in with ${p}`, kakaoMap: "Kakao Map", you: "you",
    location: (lat, lon) => `Location: ${lat.toFixed(4)}, ${lon.toFixed(4)}`,
    locating: "Finding your location…", noGeo: "Location unavailable; checking without it.",
    confidence: (p) => `confidence ${p}%`, unconfirmed: "the safe guidance until you answer", answered: (l) => `You answered '${l}'; the guidance follows it.`,
    stats: (s) => `${s.total_scans} scans · ${s.streak_days}-day streak · ${s.points} points`,
    noHistory: "No scans yet.", uncertain: "No item matched exactly; here are similar ones.",
    sources: "Sources", lang: "한국어", signingIn: "Signing in…",
  },
};
const PROVIDERS = { kakao: "Kakao", naver: "Naver", google: "Google" };
const FINISHED = new Set(["done", "failed"]);

const state = {
  lang: localStorage.getItem("wc.lang") || "ko",
  tokens: JSON.parse(localStorage.getItem("wc.tokens") || "null"),
  where: null, // {lat, lon}
  scan: null, // the scan on screen
  categories: {}, // code -> {name_ko, name_en}
};

const $ = (id) => document.getElementById(id);
const t = (key, ...args) => {
  const value = TEXT[state.lang][key];
  return typeof value === "function" ? value(...args) : value;
};

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") node.className = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
}

function showError(message) {
  $("error").textContent = message || "";
  $("error").hidden = !message;
}

// --- API -------------------------------------------------------------------------------------
async function api(path, options = {}, retried = false) {
  const headers = { "Accept-Language": state.lang, ...(options.headers || {}) };
  if (state.tokens) headers.Authorization = `Bearer ${state.tokens.access_token}`;
  if (options.json !== undefined) {
    headers["Content-Type"] = "application/json";
    options = { ...options, body: JSON.stringify(options.json) };
  }
  const res = await fetch(path, { ...options, headers });
  if (res.status === 401 && state.tokens && !retried && (await refresh())) {
    return api(path, options, true);
  }
  if (res.status === 401 && state.tokens) {
    signOut();
  }
  if (!res.ok && res.status !== 304) {
    let detail = `${res.status}`;
    try {
      const problem = await res.json();
      detail = problem.detail || problem.title || detail;
    } catch (_) { /* not JSON */ }
    throw new Error(detail);
  }
  return res;
}

async function refresh() {
  const res = await fetch("/api/v1/auth/token/refresh", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ refresh_token: state.tokens.refresh_token }),
  });
  if (!res.ok) return false;
  saveTokens(await res.json());
  return true;
}

function saveTokens(tokens) {
  state.tokens = tokens;
  if (tokens) localStorage.setItem("wc.tokens", JSON.stringify(tokens));
  else localStorage.removeItem("wc.tokens");
}

// --- sign-in ---------------------------------------------------------------------------------
async function setUpSignIn() {
  const config = await (await fetch("/web/config.json")).json();
  $("dev-form").hidden = !config.dev_sign_in;
  const box = $("providers");
  box.replaceChildren(
    ...config.providers.map((p) =>
      el("button", { type: "button", class: `provider ${p}`, "data-provider": p, onclick: () => startProvider(p) },
        t("signInWith", PROVIDERS[p] || p)))
  );
}

const b64url = (bytes) => btoa(String.fromCharCode(...new Uint8Array(bytes)))
  .replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

async function startProvider(provider) {
  // PKCE (RFC 7636): the verifier stays in this tab; the edge answers the provider's callback
  // with a one-time code on this page's URL, redeemed here with the verifier.
  const verifier = b64url(crypto.getRandomValues(new Uint8Array(32)));
  const challenge = b64url(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier)));
  sessionStorage.setItem("wc.verifier", verifier);
  const query = new URLSearchParams({
    redirect_uri: `${location.origin}/`, code_challenge: challenge, code_challenge_method: "S256",
  });
  const res = await api(`/api/v1/auth/${provider}/authorize?${query}`);
  location.assign((await res.json()).authorize_url);
}

async function finishProvider(code) {
  history.replaceState(null, "", "/");
  const verifier = sessionStorage.getItem("wc.verifier");
  sessionStorage.removeItem("wc.verifier");
  const res = await api("/api/v1/auth/code/redeem", { method: "POST", json: { code, code_verifier: verifier || "" } });
  saveTokens(await res.json());
}

async function devSignIn(event) {
  event.preventDefault();
  const res = await api("/api/v1/auth/dev/login", { method: "POST", json: { nickname: $("dev-nickname").value } });
  saveTokens(await res.json());
  await enter();
}

function signOut() {
  const tokens = state.tokens;
  saveTokens(null);
  if (tokens) {
    fetch("/api/v1/auth/logout", {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ refresh_token: tokens.refresh_token }),
    }).catch(() => {});
  }
  render();
}

// --- scan ------------------------------------------------------------------------------------
function locate() {
  return new Promise((resolve) => {
    if (!navigator.geolocation) return resolve(null);
    $("where").textContent = t("locating");
    navigator.geolocation.getCurrentPosition(
      (pos) => {
        state.where = { lat: pos.coords.latitude, lon: pos.coords.longitude };
        $("where").textContent = t("location", state.where.lat, state.where.lon);
        resolve(state.where);
      },
      () => {
        $("where").textContent = t("noGeo");
        resolve(null);
      },
      { timeout: 8000, maximumAge: 300000 }
    );
  });
}

async function scanPhoto(file) {
  showError("");
  if (!state.where) await locate();
  const form = new FormData();
  form.append("image", file);
  if (state.where) {
    form.append("lat", String(state.where.lat));
    form.append("lon", String(state.where.lon));
  }
  if ($("hint").value.trim()) form.append("hint", $("hint").value.trim());
  $("preview").src = URL.createObjectURL(file);
  $("result").hidden = true;
  showProgress("queued");
  const created = await (await api("/api/v1/scans", {
    method: "POST", body: form, headers: { "Idempotency-Key": crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) },
  })).json();
  let scan = await follow(created.events_url);
  if (!scan || !FINISHED.has(scan.status)) scan = await poll(created.status_url);
  showScan(scan);
  loadHistory(scan.status === "done" ? scan.scan_id : undefined);
}

// Server-sent events over fetch, as EventSource cannot send the Authorization header.
async function follow(url) {
  let last = null;
  try {
    const res = await api(url, { headers: { Accept: "text/event-stream" } });
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value.replace(/\r\n/g, "\n");
      let end;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = block.split("\n").filter((l) => l.startsWith("data:")).map((l) => l.slice(5).trim()).join("\n");
        if (!data) continue;
        last = JSON.parse(data);
        showProgress(last.status);
        if (FINISHED.has(last.status)) {
          reader.cancel().catch(() => {});
          return last;
        }
      }
    }
  } catch (err) {
    console.warn("event stream ended", err);
  }
  return last;
}

async function poll(url) {
  let etag = null;
  let scan = null;
  for (;;) {
    const res = await api(url, { headers: etag ? { "If-None-Match": etag } : {} });
    if (res.status !== 304) {
      scan = await res.json();
      etag = res.headers.get("ETag");
      showProgress(scan.status);
      if (FINISHED.has(scan.status)) return scan;
    }
    await new Promise((r) => setTimeout(r, 1000 * Number(res.headers.get("Retry-After") || 1)));
  }
}

function showProgress(status) {
  const order = ["queued", "processing", "done"];
  $("progress").hidden = false;
  for (const li of $("progress").children) {
    const reached = status === "failed" ? li.dataset.status !== "done" : order.indexOf(li.dataset.status) <= order.indexOf(status);
    li.classList.toggle("reached", reached);
    li.classList.toggle("failed", status === "failed" && li.dataset.status === "done");
    if (li.dataset.status === "done") li.textContent = t(status === "failed" ? "failed" : "done");
  }
}

const categoryName = (c) => (state.lang === "en" ? c.name_en : c.name_ko) || c.name_ko || c.code;

function showScan(scan) {
  state.scan = scan;
  document.body.dataset.scan = scan.scan_id;
  if (scan.status === "failed") {
    showError(scan.error ? scan.error.message : t("failed"));
    return;
  }
  const r = scan.result;
  $("result").hidden = false;
  $("category").textContent = categoryName(r.category);
  // While the question is open the item shown is the safe choice, not what the photo was sure of:
  // no percentage next to it.
  const asking = r.question && !r.answer;
  const sureness = asking ? t("unconfirmed") : t("confidence", Math.round(r.confidence * 100));
  $("item").textContent = `${state.lang === "en" ? r.item : r.item_ko || r.item} · ${sureness}`;
  $("bin").textContent = r.disposal.bin;
  $("steps").replaceChildren(...r.disposal.steps.map((s) => el("li", {}, s)));
  $("why").textContent = r.disposal.why;
  $("tip").textContent = r.disposal.tip;
  $("tip").hidden = !r.disposal.tip;
  $("coaching").replaceChildren(...r.coaching.map((c) => el("li", {}, c)));
  showQuestion(scan);
  showNearby(r.nearby, r.disposal.bin);
}

function showQuestion(scan) {
  const r = scan.result;
  $("question").hidden = !r.question;
  $("answer-note").hidden = !r.answer;
  if (r.question) {
    $("question-text").textContent = r.question.text;
    $("choices").replaceChildren(...r.question.choices.map((choice) =>
      el("button", { type: "button", class: "choice", "data-choice": choice.id, onclick: () => answer(scan, r.question, choice) },
        choice.label)));
  }
  if (r.answer) {
    const label = (scan.answeredLabel || categoryName(r.category));
    $("answer-note").textContent = t("answered", label);
  }
}

async function answer(scan, question, choice) {
  for (const b of $("choices").children) b.disabled = true;
  try {
    const res = await api(`/api/v1/scans/${scan.scan_id}/answer`, {
      method: "POST", json: { question_id: question.id, choice_id: choice.id },
    });
    const answered = await res.json();
    answered.answeredLabel = choice.label;
    showScan(answered);
    loadHistory();
  } finally {
    for (const b of $("choices").children) b.disabled = false;
  }
}

// --- nearby: a list and a small map drawn here (SVG), centred on the person ---------------------
function showNearby(places, bin) {
  $("no-nearby").hidden = places.length > 0;
  // With no drop-off nearby (or no location), still say where it goes: most items go out at home.
  $("no-nearby").textContent = bin ? t("putOut", bin) : t("noNearby");
  $("nearby-list").replaceChildren(...places.map((p) =>
    el("li", {}, el("strong", {}, p.name), ` · ${distance(p.distance_m)} `,
      el("a", { href: p.map_url || kakaoLink(p), target: "_blank", rel: "noopener noreferrer" }, t("kakaoMap")),
      p.address ? el("small", {}, p.address) : null)));
  $("map").replaceChildren(places.length ? drawMap(places) : "");
}

const distance = (m) => (m < 1000 ? `${Math.round(m)} m` : `${(m / 1000).toFixed(1)} km`);
const kakaoLink = (p) => `https://map.kakao.com/link/to/${encodeURIComponent(p.name)},${p.lat},${p.lon}`;

function drawMap(places) {
  const NS = "http://www.w3.org/2000/svg";
  const W = 320, H = 220, R = 95;
  const svg = document.createElementNS(NS, "svg");
  const node = (tag, attrs, text) => {
    const n = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, v);
    if (text !== undefined) n.textContent = text;
    return n;
  };
  svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", t("nearbyTitle"));
  const centre = state.where || {
    lat: places.reduce((a, p) => a + p.lat, 0) / places.length,
    lon: places.reduce((a, p) => a + p.lon, 0) / places.length,
  };
  // Local flat projection: metres east and north of the centre (fine over a few kilometres).
  const east = (p) => (p.lon - centre.lon) * 111320 * Math.cos((centre.lat * Math.PI) / 180);
  const north = (p) => (p.lat - centre.lat) * 110540;
  const reach = Math.max(200, ...places.map((p) => Math.hypot(east(p), north(p))));
  const ring = niceRing(reach);
  const scale = R / Math.max(ring, reach);
  const cx = W / 2, cy = H / 2;
  for (const f of [0.5, 1]) {
    svg.append(node("circle", { cx, cy, r: ring * f * scale, fill: "none", stroke: "#c5d3cb", "stroke-dasharray": "3 3" }));
    const metres = ring * f;
    svg.append(node("text", { x: cx + metres * scale * 0.71 + 2, y: cy - metres * scale * 0.71, "font-size": 9, fill: "#5d6b64" },
      metres >= 1000 ? `${metres / 1000} km` : `${metres} m`));
  }
  svg.append(node("text", { x: 12, y: 18, "font-size": 11, fill: "#5d6b64", "font-weight": 600 }, "N ↑"));
  places.forEach((p, i) => {
    const link = node("a", { href: p.map_url || kakaoLink(p), target: "_blank", rel: "noopener noreferrer" });
    const x = cx + east(p) * scale, y = cy - north(p) * scale;
    link.append(node("title", {}, `${p.name} · ${distance(p.distance_m)}`));
    link.append(node("circle", { cx: x, cy: y, r: 9, fill: "#1f7a4d", stroke: "#fff", "stroke-width": 1.5 }));
    link.append(node("text", { x, y: y + 3.5, "text-anchor": "middle", "font-size": 10, fill: "#fff", "font-weight": 700 }, String(i + 1)));
    svg.append(link);
  });
  if (state.where) {
    svg.append(node("circle", { cx, cy, r: 6, fill: "#1a73e8", stroke: "#fff", "stroke-width": 2 }));
    svg.append(node("text", { x: cx - 9, y: cy + 4, "text-anchor": "end", "font-size": 10, fill: "#1a73e8" }, t("you")));
  }
  return svg;
}

function niceRing(metres) {
  for (const step of [100, 200, 250, 500, 1000, 2000, 2500, 5000, 10000]) if (step >= metres) return step;
  return Math.ceil(metres / 10000) * 10000;
}

// --- history, stats, search, ask ----------------------------------------------------------------
async function loadCategories() {
  const res = await api("/api/v1/categories");
  const body = await res.json();
  for (const c of body.items || body.categories || []) state.categories[c.code] = c;
}

// The worker writes the history just after the scan turns done: `scanId` waits a moment for it.
async function loadHistory(scanId) {
  try {
    let history, stats;
    for (let tries = 0; ; tries++) {
      [history, stats] = await Promise.all([
        api("/api/v1/users/me/scans?limit=10").then((r) => r.json()),
        api("/api/v1/users/me/stats").then((r) => r.json()),
      ]);
      if (!scanId || tries >= 10 || history.items.some((h) => h.scan_id === scanId)) break;
      await new Promise((r) => setTimeout(r, 300));
    }
    $("stats").textContent = t("stats", stats);
    $("history-list").replaceChildren(...(history.items.length ? history.items.map((h) => {
      const c = state.categories[h.category_code];
      const when = new Date(h.scanned_at).toLocaleString(state.lang === "en" ? "en-GB" : "ko-KR");
      return el("li", { "data-scan": h.scan_id }, el("strong", {}, c ? categoryName(c) : h.category_code), ` · ${h.item} `,
        el("small", { class: "muted" }, when));
    }) : [el("li", { class: "muted" }, t("noHistory"))]));
  } catch (err) {
    showError(err.message);
  }
}

function itemCard(item) {
  return el("li", {}, el("strong", {}, state.lang === "en" ? item.name_en : item.name_ko),
    ` · ${categoryName(item.category)}`, item.bin ? el("div", { class: "bin" }, item.bin) : null,
    el("ol", {}, ...item.steps.map((s) => el("li", {}, s))), item.tip ? el("div", { class: "tip" }, item.tip) : null);
}

async function search(event) {
  event.preventDefault();
  const q = $("search-q").value.trim();
  if (!q) return;
  const body = await (await api(`/api/v1/items?${new URLSearchParams({ q, limit: "5" })}`)).json();
  $("search-results").replaceChildren(
    ...(body.uncertain ? [el("li", { class: "muted" }, t("uncertain"))] : []), ...body.items.map(itemCard));
}

async function ask(event) {
  event.preventDefault();
  const question = $("ask-q").value.trim();
  if (!question) return;
  const json = { question };
  if (state.scan) json.scan_id = state.scan.scan_id;
  const body = await (await api("/api/v1/coach/ask", { method: "POST", json })).json();
  const sources = body.sources.map((s) => (state.lang === "en" ? s.name_en : s.name_ko)).join(", ");
  $("ask-answer").replaceChildren(el("p", {}, body.answer), sources ? el("p", { class: "muted" }, `${t("sources")}: ${sources}`) : null);
  $("ask-answer").hidden = false;
}

// --- page ----------------------------------------------------------------------------------------
function translate() {
  document.documentElement.lang = state.lang;
  document.title = t("title");
  for (const node of document.querySelectorAll("[data-t]")) node.textContent = t(node.dataset.t);
  for (const node of document.querySelectorAll("[data-t-placeholder]")) node.placeholder = t(node.dataset.tPlaceholder);
  $("lang").textContent = t("lang");
  if (state.where) $("where").textContent = t("location", state.where.lat, state.where.lon);
}

function render() {
  const signedIn = Boolean(state.tokens);
  $("sign-in").hidden = signedIn;
  $("app").hidden = !signedIn;
  $("sign-out").hidden = !signedIn;
  translate();
}

async function enter() {
  render();
  await loadCategories();
  await loadHistory();
}

const guarded = (fn) => async (...args) => {
  try {
    await fn(...args);
  } catch (err) {
    showError(err.message);
  }
};

document.addEventListener("DOMContentLoaded", guarded(async () => {
  $("lang").addEventListener("click", () => {
    state.lang = state.lang === "ko" ? "en" : "ko";
    localStorage.setItem("wc.lang", state.lang);
    translate();
    setUpSignIn().catch(() => {});
    if (state.scan) showScan(state.scan);
    if (state.tokens) loadHistory();
  });
  $("sign-out").addEventListener("click", signOut);
  $("dev-form").addEventListener("submit", guarded(devSignIn));
  $("photo").addEventListener("change", guarded(async (event) => {
    const file = event.target.files[0];
    event.target.value = "";
    if (file) await scanPhoto(file);
  }));
  $("locate").addEventListener("click", () => locate());
  $("search-form").addEventListener("submit", guarded(search));
  $("ask-form").addEventListener("submit", guarded(ask));
  render();
  await setUpSignIn();
  const code = new URLSearchParams(location.search).get("code");
  if (code) await finishProvider(code);
  if (state.tokens) await enter();
  document.body.dataset.ready = "true";
}));
