namespace Transactions.Participants.Sample;

/// <summary>Names this assembly to hosts that start it in-process, such as the integration tests.</summary>
public sealed class ParticipantsAssembly;
