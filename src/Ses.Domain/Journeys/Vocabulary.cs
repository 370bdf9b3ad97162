namespace Ses.Domain.Journeys;

/// <summary>SPEC 4.3 phases, in journey order.</summary>
public enum Phase { Introduced, Referred, Assessed, OnProvision, Tracking, InWork, Closed }

/// <summary>SPEC 4.3: why a journey closed.</summary>
public enum Closure
{
    NotEligible, NotSuitable, Rejected, DidNotStart, Withdrawn,
    NoJobInTrackingPeriod, MovedToOtherProvision, OutcomeComplete, Terminated,
}

/// <summary>SPEC 4.4 deadline kinds.</summary>
public enum DeadlineKind
{
    Ucpr1Chase, FirstMeeting, Start, PrapCancel, IspAgreed, IspReview,
    ProvisionEnd, TrackingWindow, ShortOutcome, SustainedOutcome,
}

public enum DeadlineState { Pending, Met, Missed, Cancelled }

/// <summary>One firing of a deadline's timer: a reminder ahead of it, or the due firing itself.</summary>
public enum TimerStep { EarlyReminder, Reminder, Due }

/// <summary>The recommendation of the Initial Assessment (13.04-13.05): a strand, or not suitable.</summary>
public enum Recommendation { Main, StartBack, NotSuitable }

/// <summary>Who an email is for. External audiences never get SCR details (13.76-13.78, SPEC 6).</summary>
public enum Audience { Spoc, UcServiceCentreAndSesPolicy, WorkCoach, ProviderStaff, ProviderClaims }

public enum Outcome { Short, Sustained }

/// <summary>Who must do a task: provider staff, or the provider's nominated officer for SCR and MAPPA work (13.59, 13.77).</summary>
public enum TaskAssignee { Provider, NominatedOfficer }
