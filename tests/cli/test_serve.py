"""`roster serve` hands host and port to the API's runner and rejects a bad port."""

import api.main
from cli.main import main


def test_serve_passes_host_and_port(monkeypatch):
    seen = {}
    monkeypatch.setattr(api.main, "run", lambda host, port: seen.update(host=host, port=port))
    assert main(["serve", "--host", "0.0.0.0", "--port", "9001"]) == 0
    assert seen == {"host": "0.0.0.0", "port": 9001}


def test_serve_rejects_a_bad_port(capsys):
    assert main(["serve", "--port", "eighty"]) == 2
    assert "port" in capsys.readouterr().err
