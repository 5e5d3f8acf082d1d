environment = "integration"
