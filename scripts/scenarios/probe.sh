# Accelerator probe: reaching this line is the whole test.
:
