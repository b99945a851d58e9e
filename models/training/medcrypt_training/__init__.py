"""MedCrypt's training pipeline: trains on the C#-prepared training set (models/training/export), exports ONNX."""
