// Every room speaks the shared vocabulary: importing a room brings the model with it.
@_exported import Model
