using MedCrypt.Crypto.Images;
using MedCrypt.Domain.Imaging;

namespace MedCrypt.Testing;

/// <summary>
/// The real MRI slices of ../shared/datasets/brain-tumor-mri (one folder per class), picked evenly through each class's
/// sorted files, and prepared as the models see them; shared by the attack tests and the security report.
/// </summary>
internal static class DatasetSlices
{
    /// <summary>The models' input side (models/models.json: every shipped model takes 128 × 128).</summary>
    public const int PreparedSize = 128;

    public static readonly string[] Classes = ["glioma", "meningioma", "notumor", "pituitary"];

    public static string DefaultFolder => System.IO.Path.Combine(RepositoryRoot.Path, "..", "shared", "datasets", "brain-tumor-mri");

    /// <summary><paramref name="perClass"/> files of every class, spread evenly over its sorted files, class after class.</summary>
    public static string[] Pick(string dataset, int perClass) =>
    [
        .. from label in Classes
           let all = Directory.GetFiles(System.IO.Path.Combine(dataset, label), "*.jpg").Order(StringComparer.Ordinal).ToArray()
           from file in all.Where((_, i) => i % Math.Max(1, all.Length / perClass) == 0).Take(perClass)
           select file,
    ];

    /// <summary>The slice as the models see it: decoded to gray, then <see cref="ScanPreparation"/> to <see cref="PreparedSize"/>².</summary>
    public static PixelImage Prepare(string file)
    {
        var codec = new ImageCodec();
        return new ScanPreparation(codec).Prepare(codec.Decode(File.ReadAllBytes(file), PixelFormat.Gray8), PreparedSize);
    }
}
