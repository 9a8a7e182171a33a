// Log phases and boundaries are part of the shared vocabulary: the report maps simulated phases onto them.
@_exported import Model
