"""A spec-faithful stand-in for OpenAI's Chat Completions endpoint, on 127.0.0.1 (real HTTP).

It validates requests the way the real API does for what we use (auth, model, messages with
image parts, strict json_schema response_format) and answers with scripted behaviours:
"ok", "429", "500", "slow", "malformed", "bad_fields", "error_400", "refusal".
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import threading
import time
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

VISION_MODELS = {"gpt-4o", "gpt-4o-mini", "gpt-4.1", "gpt-4.1-mini"}
ROLES = {"system", "developer", "user", "assistant", "tool"}
DATA_URL = re.compile(r"^data:image/(jpeg|png|webp|gif);base64,([A-Za-z0-9+/=]+)$")
SCHEMA_NAME = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")

GOOD_ANSWER = {
    "item": "PET water bottle",
    "item_ko": "생수 페트병",
    "material": "PET",
    "category": "clear_pet",
    "confidence": 0.93,
    "flags": {
        "residue": False,
        "label_attached": True,
        "cap_on": True,
        "mixed_materials": False,
        "broken": False,
    },
}


class BadRequest(Exception):
    def __init__(self, message: str, param: str | None = None, status: int = 400, code: str | None = None):
        super().__init__(message)
        self.message, self.param, self.status, self.code = message, param, status, code


def error_body(message: str, type_: str, param: str | None = None, code: str | None = None) -> dict[str, Any]:
    return {"error": {"message": message, "type": type_, "param": param, "code": code}}


def _check_strict_schema(schema: Any, path: str) -> None:
    """OpenAI strict mode: every object lists all its properties as required, no extra properties."""
    if not isinstance(schema, dict):
        raise BadRequest(f"Invalid schema at {path}: expected an object.", "response_format")
    if schema.get("type") == "object":
        props = schema.get("properties", {})
        if schema.get("additionalProperties") is not False:
            raise BadRequest(
                f"Invalid schema for response_format: In context={path}, 'additionalProperties' is required "
                "to be supplied and to be false.",
                "response_format",
            )
        if sorted(schema.get("required", [])) != sorted(props):
            raise BadRequest(
                f"Invalid schema for response_format: In context={path}, 'required' is required to be "
                "supplied and to be an array including every key in properties.",
                "response_format",
            )
        for key, sub in props.items():
            _check_strict_schema(sub, f"{path}.{key}")
    elif schema.get("type") == "array":
        _check_strict_schema(schema.get("items"), f"{path}[]")


def validate_chat_request(body: Any) -> None:
    if not isinstance(body, dict):
        raise BadRequest("We could not parse the JSON body of your request.")
    model = body.get("model")
    if not isinstance(model, str) or not model:
        raise BadRequest("you must provide a model parameter", "model")
    if model not in VISION_MODELS:
        raise BadRequest(
            f"The model `{model}` does not exist or you do not have access to it.",
            "model",
            404,
            "model_not_found",
        )
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        raise BadRequest("Invalid 'messages': empty array.", "messages")
    images = 0
    for i, msg in enumerate(messages):
        if not isinstance(msg, dict) or msg.get("role") not in ROLES:
            raise BadRequest(f"Invalid value for 'messages[{i}].role'.", f"messages[{i}].role")
        content = msg.get("content")
        if isinstance(content, str):
            continue
        if not isinstance(content, list) or not content:
            raise BadRequest(f"Invalid 'messages[{i}].content'.", f"messages[{i}].content")
        for j, part in enumerate(content):
            where = f"messages[{i}].content[{j}]"
            kind = part.get("type") if isinstance(part, dict) else None
            if kind == "text":
                if not isinstance(part.get("text"), str):
                    raise BadRequest(f"Missing required parameter: '{where}.text'.", f"{where}.text")
            elif kind == "image_url":
                if msg["role"] != "user":
                    raise BadRequest(f"Image parts are only allowed in user messages ({where}).", where)
                img = part.get("image_url")
                url = img.get("url") if isinstance(img, dict) else None
                if not isinstance(url, str):
                    raise BadRequest(f"Missing required parameter: '{where}.image_url.url'.", where)
                if img.get("detail", "auto") not in ("auto", "low", "high"):
                    raise BadRequest(f"Invalid value for '{where}.image_url.detail'.", where)
                m = DATA_URL.match(url)
                if not m:
                    raise BadRequest(
                        "Invalid image URL: expected a base64 data URL.", where, code="invalid_image_url"
                    )
                try:
                    raw = base64.b64decode(m.group(2), validate=True)
                except binascii.Error as exc:
                    raise BadRequest(
                        "Invalid base64 image data.", where, code="invalid_image_format"
                    ) from exc
                if not (raw.startswith(b"\xff\xd8") or raw.startswith(b"\x89PNG")):
                    raise BadRequest("You uploaded an unsupported image.", where, code="invalid_image_format")
                images += 1
            else:
                raise BadRequest(
                    f"Invalid value: '{kind}'. Supported values are: 'text' and 'image_url'.", where
                )
    if images == 0:
        raise BadRequest("This fake expects one image in the request.", "messages")
    rf = body.get("response_format")
    if rf is not None:
        if not isinstance(rf, dict) or rf.get("type") not in ("text", "json_object", "json_schema"):
            raise BadRequest("Invalid value for 'response_format.type'.", "response_format.type")
        if rf["type"] == "json_schema":
            js = rf.get("json_schema")
            if not isinstance(js, dict) or not SCHEMA_NAME.match(str(js.get("name", ""))):
                raise BadRequest(
                    "Invalid 'response_format.json_schema.name'.", "response_format.json_schema.name"
                )
            if js.get("strict") is True:
                _check_strict_schema(js.get("schema"), "(root)")
    for key in ("temperature", "top_p"):
        if key in body and not isinstance(body[key], int | float):
            raise BadRequest(f"Invalid type for '{key}'.", key)


def completion(content: str | None, model: str, refusal: str | None = None) -> dict[str, Any]:
    return {
        "id": f"chatcmpl-fake{int(time.time() * 1000)}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": "gpt-4o-2024-08-06" if model == "gpt-4o" else model,
        "system_fingerprint": "fp_fake",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content, "refusal": refusal, "annotations": []},
                "logprobs": None,
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 400, "completion_tokens": 60, "total_tokens": 460},
    }


class FakeOpenAI:
    """Start with `with FakeOpenAI() as fake:`; `fake.base_url` for the client; `fake.script(...)`."""

    def __init__(self, api_key: str = "sk-test", slow_s: float = 2.0, answer: dict | None = None) -> None:
        self.api_key = api_key
        self.slow_s = slow_s
        self.answer = answer or GOOD_ANSWER
        self.behaviours: deque[str] = deque()
        self.requests: list[dict[str, Any]] = []  # {"headers": ..., "body": ..., "behaviour": ...}
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    def script(self, *behaviours: str) -> None:
        """Queue behaviours for the next requests; when the queue is empty, answer "ok"."""
        with self._lock:
            self.behaviours.extend(behaviours)

    @property
    def base_url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def __enter__(self) -> FakeOpenAI:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:  # keep test output clean
                pass

            def _send(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
                data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.send_header("x-request-id", "req_fake")
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                try:
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout test)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                if self.path.rstrip("/") != "/v1/chat/completions":
                    self._send(404, error_body(f"Invalid URL (POST {self.path})", "invalid_request_error"))
                    return
                if self.headers.get("Authorization") != f"Bearer {fake.api_key}":
                    self._send(
                        401,
                        error_body(
                            "Incorrect API key provided.", "invalid_request_error", None, "invalid_api_key"
                        ),
                    )
                    return
                try:
                    body = json.loads(raw)
                except json.JSONDecodeError:
                    self._send(
                        400,
                        error_body(
                            "We could not parse the JSON body of your request.", "invalid_request_error"
                        ),
                    )
                    return
                with fake._lock:
                    behaviour = fake.behaviours.popleft() if fake.behaviours else "ok"
                    fake.requests.append(
                        {"headers": dict(self.headers), "body": body, "behaviour": behaviour}
                    )
                try:
                    validate_chat_request(body)
                except BadRequest as exc:
                    self._send(
                        exc.status, error_body(exc.message, "invalid_request_error", exc.param, exc.code)
                    )
                    return
                model = body["model"]
                if behaviour == "ok":
                    self._send(200, completion(json.dumps(fake.answer, ensure_ascii=False), model))
                elif behaviour == "429":
                    self._send(
                        429,
                        error_body(
                            "Rate limit reached for gpt-4o on requests per min (RPM): Limit 3, Used 3.",
                            "requests",
                            "requests",
                            "rate_limit_exceeded",
                        ),
                        {"Retry-After": "0.05", "x-ratelimit-remaining-requests": "0"},
                    )
                elif behaviour == "500":
                    self._send(
                        500,
                        error_body("The server had an error while processing your request.", "server_error"),
                    )
                elif behaviour == "slow":
                    time.sleep(fake.slow_s)
                    self._send(200, completion(json.dumps(fake.answer), model))
                elif behaviour == "malformed":
                    self._send(200, completion('{"item": "bottle", "category": ', model))
                elif behaviour == "bad_fields":
                    bad = {**fake.answer, "category": "recyclable", "confidence": 7}
                    self._send(200, completion(json.dumps(bad), model))
                elif behaviour == "refusal":
                    self._send(200, completion(None, model, refusal="I'm sorry, I can't help with that."))
                elif behaviour == "error_400":
                    self._send(
                        400,
                        error_body(
                            "Invalid content type. image_url is only supported by certain models.",
                            "invalid_request_error",
                            "messages",
                            None,
                        ),
                    )
                else:
                    raise AssertionError(f"unknown behaviour {behaviour!r}")

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(
            target=self._server.serve_forever, args=(0.05,), name="fake-openai", daemon=True
        ).start()
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.shutdown()
        self._server.server_close()
