"""SmartRecruiters: the connector (client, mapping, connector) and its emulator (`emulator/`)."""
