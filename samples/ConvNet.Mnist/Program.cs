using ConvNet.Mnist;

// The console sample: each command (Commands/, listed in SampleCommands) is a few calls into ConvNet.Core and
// ConvNet.Datasets; see README.md for what each one does.
return await CommandRunner.RunAsync(args);
