"""``torch.backends.cudnn`` flags: settable, as scripts set them; ember has no cuDNN to steer."""

benchmark = False
deterministic = False
enabled = True
allow_tf32 = True


def is_available() -> bool:
    return False


def version():
    return None
