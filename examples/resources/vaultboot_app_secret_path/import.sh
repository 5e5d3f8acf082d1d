# Import by app name. Objects not yet marked as vaultboot's (e.g. policies
# written by hand) are taken over by the next apply, which shows the change.
terraform import vaultboot_app_secret_path.payments payments
