using System.Diagnostics;

namespace MedCrypt.Domain.Imaging.Dicom;

/// <summary>
/// Encapsulated (compressed) pixel data to explicit little endian, by GDCM's <c>gdcmconv --raw</c>: one tool for RLE,
/// JPEG baseline and lossless, JPEG-LS and JPEG 2000 (OpenJPEG), 30–75 ms a file here (docs/dicom.md). The file goes
/// through a private temporary folder deleted afterwards; the tool is started with an argument list (no shell), under a
/// timeout, and its output is parsed again by <see cref="DicomReader"/> like any upload.
/// </summary>
public sealed class DicomDecompressor(string tool = DicomDecompressor.DefaultTool, TimeSpan? timeout = null)
{
    public const string DefaultTool = "gdcmconv";

    private readonly TimeSpan _timeout = timeout ?? TimeSpan.FromSeconds(20);

    /// <exception cref="ImageRejectedException">The tool refused the file (damaged or unsupported compressed data) or ran past the timeout.</exception>
    /// <exception cref="Failures.ServiceUnavailableException">The tool is not installed.</exception>
    public byte[] Decompress(ReadOnlySpan<byte> file, CancellationToken cancellationToken = default)
    {
        string folder = Directory.CreateTempSubdirectory("medcrypt-dicom-").FullName; // 0700 on Unix: no other user reads the scan
        try
        {
            string input = Path.Combine(folder, "in.dcm");
            string output = Path.Combine(folder, "out.dcm");
            File.WriteAllBytes(input, file.ToArray());
            var start = new ProcessStartInfo(tool)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = folder,
            };
            start.ArgumentList.Add("--raw");
            start.ArgumentList.Add(input);
            start.ArgumentList.Add(output);
            using Process process = Run(start);
            // Its messages may quote the header, so they are read (to not block the pipe) and dropped, never logged.
            Task<string> stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
            Task<string> stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(_timeout);
            try
            {
                process.WaitForExitAsync(deadline.Token).GetAwaiter().GetResult();
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(); // its files are closed before the folder is deleted
                cancellationToken.ThrowIfCancellationRequested();
                throw new ImageRejectedException($"Decompressing the DICOM pixel data took over {_timeout.TotalSeconds:0} s; the file was refused.") { Unprocessable = true };
            }

            Task.WaitAll([stdout, stderr], CancellationToken.None);
            if (process.ExitCode != 0 || !File.Exists(output))
            {
                throw new ImageRejectedException("The DICOM file's compressed pixel data is damaged or truncated and cannot be decoded.");
            }

            return File.ReadAllBytes(output);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static Process Run(ProcessStartInfo start)
    {
        try
        {
            return Process.Start(start) ?? throw new InvalidOperationException($"{start.FileName} did not start.");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new Failures.ServiceUnavailableException(
                $"Compressed DICOM cannot be read here: {start.FileName} (Debian package libgdcm-tools) is not installed ({e.Message}).");
        }
    }
}
