"""The domain: models, policies, the roster, the referee and file formats. Never imports ortools."""
