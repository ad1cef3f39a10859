// harvest: the command-line entry point.
#include <harvest/version.hpp>

#include <CLI/CLI.hpp>

#include <iostream>

int main(int argc, char** argv) {
    CLI::App app{"harvest: a fast, reliable async HTTP metadata harvester for ML datasets"};
    app.set_version_flag("--version", std::string("harvest ") + harvest::version);
    app.require_subcommand(1);
    CLI11_PARSE(app, argc, argv);
    return 0;
}
