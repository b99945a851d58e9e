using System.Globalization;
using MedCrypt.Domain.History;
using MedCrypt.Inference.Classification;

namespace MedCrypt.Domain.Evaluation;

/// <summary>
/// An evaluation's raw logits, one row per image, for fitting the calibration outside (models/training/
/// medcrypt_training/calibration.py): <c>file,label,&lt;model&gt;:&lt;class&gt;,…</c>, models in the classifier's
/// order, classes in the manifest's, each logit as the shortest text that reads back as the same float.
/// </summary>
public static class LogitsCsv
{
    public static void Write(TextWriter writer, IReadOnlyList<string> classes, IReadOnlyList<EvaluatedImage> readings)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(classes);
        ArgumentNullException.ThrowIfNull(readings);
        string[] models = readings.Count == 0 ? [] : [.. readings[0].Diagnosis.Models.Select(m => m.Model)];
        writer.Write("file,label");
        foreach (string model in models)
        {
            foreach (string c in classes)
            {
                writer.Write(',');
                writer.Write(CsvFormat.Field($"{model}:{c}"));
            }
        }

        writer.Write('\n');
        foreach (EvaluatedImage reading in readings)
        {
            writer.Write(CsvFormat.Field(reading.File));
            writer.Write(',');
            writer.Write(CsvFormat.Field(reading.Truth));
            foreach (string model in models)
            {
                ModelPrediction prediction = reading.Diagnosis.Models.FirstOrDefault(m => m.Model == model)
                    ?? throw new ArgumentException($"{reading.File} has no reading of {model}.", nameof(readings));
                IReadOnlyList<float> logits = prediction.Logits
                    ?? throw new ArgumentException($"{reading.File}: {model} gave no logits.", nameof(readings));
                if (logits.Count != classes.Count)
                {
                    throw new ArgumentException($"{reading.File}: {model} gave {logits.Count} logits for {classes.Count} classes.", nameof(readings));
                }

                foreach (float logit in logits)
                {
                    writer.Write(',');
                    writer.Write(logit.ToString("R", CultureInfo.InvariantCulture));
                }
            }

            writer.Write('\n');
        }
    }
}
