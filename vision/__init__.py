"""On-device and cloud vision for AI Waste Coach.

Importing this package does no work: models load lazily inside the classifier, and torch is only
imported by the offline export/fine-tune code paths.
"""

from vision.types import ImageRejected, Prediction

__all__ = ["ImageRejected", "Prediction"]
