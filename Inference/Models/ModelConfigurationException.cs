namespace MedCrypt.Inference.Models;

/// <summary>A model cannot be used as configured: a missing file, a manifest that does not match its ONNX graph, an unusable device. Raised at start-up.</summary>
public sealed class ModelConfigurationException(string message, Exception? innerException = null) : Exception(message, innerException);
