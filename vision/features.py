"""The ONNX feature extractor (runtime: onnxruntime + numpy only)."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np

ASSETS_DIR = Path(__file__).resolve().parent / "assets"
# The shipped backbone; `wastecoach vision export` writes its ONNX graph to ONNX_NAME.
BACKBONE = "efficientnet-lite0"
ONNX_NAME = "effnet_lite0_features.onnx"


class FeatureExtractor:
    """Lazily opens the onnxruntime session on first use (thread-safe); batches of (N, 3, 224, 224)."""

    def __init__(self, onnx_path: Path | None = None, threads: int = 1) -> None:
        self.onnx_path = Path(onnx_path) if onnx_path else ASSETS_DIR / ONNX_NAME
        self.threads = threads
        self._session = None
        self._lock = threading.Lock()

    def _get_session(self):
        if self._session is None:
            with self._lock:
                if self._session is None:
                    import onnxruntime as ort

                    opts = ort.SessionOptions()
                    opts.intra_op_num_threads = self.threads
                    opts.inter_op_num_threads = 1
                    opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
                    # Idle pool threads spin for work by default: with two threads that burned more CPU
                    # than the inference itself (28 ms against 10 per image), stolen from the event loop.
                    opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
                    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
                    self._session = ort.InferenceSession(
                        str(self.onnx_path), opts, providers=["CPUExecutionProvider"]
                    )
        return self._session

    @property
    def image_size(self) -> int:
        """Side of the square input the graph was exported for (224 for Lite0, 240 Lite1, 260 Lite2)."""
        side = self._get_session().get_inputs()[0].shape[-1]
        return side if isinstance(side, int) else 224

    def __call__(self, batch: np.ndarray) -> np.ndarray:
        """Pooled features (N, D)."""
        return self.run(batch)[0]

    def run(self, batch: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
        """Pooled features (N, D) and the backbone's ImageNet logits (N, 1000); None for a graph
        exported without them."""
        out = self._get_session().run(None, {"pixels": np.ascontiguousarray(batch, dtype=np.float32)})
        return out[0], (out[1] if len(out) > 1 else None)
