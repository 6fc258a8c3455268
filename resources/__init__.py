"""The console's data files, installed as the package volunteer_console_resources."""
