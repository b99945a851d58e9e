using MedCrypt.EndToEnd;

// One portal and one browser for every scenario; scenarios run one at a time, as a user's would on a 2-core machine.
[assembly: AssemblyFixture(typeof(PortalInBrowser))]
[assembly: CollectionBehavior(DisableTestParallelization = true)]
