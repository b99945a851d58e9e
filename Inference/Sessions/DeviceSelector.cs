using MedCrypt.Inference.Models;
using Microsoft.ML.OnnxRuntime;

namespace MedCrypt.Inference.Sessions;

/// <summary>Decides between the CUDA and CPU providers once, at start-up, and says why.</summary>
internal static class DeviceSelector
{
    /// <returns>Whether to use CUDA, and for <see cref="InferenceDevice.Auto"/> falling back, the reason in one line.</returns>
    public static (bool UseCuda, string? Note) Choose(InferenceDevice requested)
    {
        if (requested == InferenceDevice.Cpu)
        {
            return (false, null);
        }

        // The probe's failure is reported in one line below; ONNX Runtime's own log would add a native error for it.
        OrtEnv environment = OrtEnv.Instance();
        OrtLoggingLevel level = environment.EnvLogLevel;
        environment.EnvLogLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL;
        try
        {
            using var probe = new SessionOptions();
            probe.AppendExecutionProvider_CUDA(0);
            return (true, null);
        }
        catch (OnnxRuntimeException e)
        {
            string why = e.Message.Split('\n')[0].Trim();
            if (requested == InferenceDevice.Cuda)
            {
                throw new ModelConfigurationException(
                    $"Inference:Device is 'cuda' but the CUDA provider cannot be used ({why}). It needs CUDA 13 and cuDNN 9 on the host; set Inference:Device to 'auto' or 'cpu' to run on the CPU.", e);
            }

            return (false, $"CUDA is not available ({why}); running on the CPU. The CUDA provider needs CUDA 13 and cuDNN 9 on the host.");
        }
        finally
        {
            environment.EnvLogLevel = level;
        }
    }
}
