"""Safe by default: nothing on the page offers to send the user's data elsewhere."""

from components.aids_panel import AIDS_GRAPH_CONFIG
from components.layout import DENDROGRAM_CONFIG, GRAPH_CONFIG


def test_no_graph_offers_to_send_its_data_to_a_cloud():
    for config in (GRAPH_CONFIG, DENDROGRAM_CONFIG, AIDS_GRAPH_CONFIG):
        assert config["showSendToCloud"] is False and "sendChartToCloud" in config["modeBarButtonsToRemove"]
