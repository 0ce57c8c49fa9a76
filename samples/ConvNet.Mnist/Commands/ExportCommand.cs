using System.CommandLine;
using ConvNet.Core.Models;
using ConvNet.Onnx;

namespace ConvNet.Mnist.Commands;

/// <summary><c>export</c>: writes a saved model as an ONNX file for ONNX Runtime, Triton and other engines.</summary>
internal sealed class ExportCommand : Command
{
    private readonly Option<string?> _model = SampleOptions.Path(
        "--model", "FILE", $"the model to export (default {RunFiles.DefaultModelPath})", alias: "-m");
    private readonly Option<string?> _onnx = SampleOptions.Path(
        "--onnx", "FILE", "the ONNX file to write (default: the model's path with .onnx)", alias: "-o");
    private readonly Option<bool> _probabilities = new("--probabilities", "-p")
    {
        Description = $"add a '{OnnxExport.ProbabilitiesName}' output (the softmax of '{OnnxExport.ScoresName}')",
    };

    public ExportCommand()
        : base("export", $"Write a saved model as an ONNX file (opset {OnnxExport.OpsetVersion}, any batch size) for ONNX Runtime, Triton and other engines.")
    {
        Add(_model);
        Add(_onnx);
        Add(_probabilities);
        SetAction(Run);
    }

    private int Run(ParseResult parse)
    {
        string modelPath = SampleOptions.ExistingFile(parse.GetValue(_model) ?? RunFiles.DefaultModelPath, _model.Name);
        string onnxPath = parse.GetValue(_onnx) ?? Path.ChangeExtension(modelPath, ".onnx");
        Model model = Model.Load(modelPath);
        OnnxExport.Save(model, onnxPath, new OnnxExportOptions { IncludeProbabilities = parse.GetValue(_probabilities) });

        string outputs = parse.GetValue(_probabilities) ? $"'{OnnxExport.ScoresName}' and '{OnnxExport.ProbabilitiesName}'" : $"'{OnnxExport.ScoresName}'";
        Console.WriteLine(
            $"Wrote {onnxPath} ({new FileInfo(onnxPath).Length:N0} bytes): model '{model.Name}', input '{OnnxExport.InputName}' " +
            $"[batch, {string.Join(", ", model.Network.InputShape.ToArray())}], output {outputs} [batch, {model.Network.ClassCount}].");
        return 0;
    }
}
