// A three.js scene in a React component, with OrbitControls from the addons, as models write it.
// @expect div#scene canvas
// @expect-text Rotating cubes
import { useEffect, useRef, useState } from "react";
import * as THREE from "three";
import { OrbitControls } from "three/examples/jsm/controls/OrbitControls";

export default function CubeScene() {
  const mountRef = useRef(null);
  const [count, setCount] = useState(0);

  useEffect(() => {
    const mount = mountRef.current;
    const width = mount.clientWidth || 600;
    const height = 400;
    const scene = new THREE.Scene();
    scene.background = new THREE.Color(0x111827);
    const camera = new THREE.PerspectiveCamera(60, width / height, 0.1, 100);
    camera.position.set(0, 2, 7);
    const renderer = new THREE.WebGLRenderer({ antialias: true });
    renderer.setSize(width, height);
    mount.appendChild(renderer.domElement);
    const controls = new OrbitControls(camera, renderer.domElement);
    controls.enableDamping = true;

    scene.add(new THREE.AmbientLight(0xffffff, 0.4));
    const light = new THREE.DirectionalLight(0xffffff, 1);
    light.position.set(5, 10, 7);
    scene.add(light);

    const cubes = [];
    const colors = [0x6366f1, 0x22c55e, 0xf59e0b];
    colors.forEach((color, i) => {
      const cube = new THREE.Mesh(new THREE.BoxGeometry(1, 1, 1), new THREE.MeshStandardMaterial({ color }));
      cube.position.x = (i - 1) * 2;
      scene.add(cube);
      cubes.push(cube);
    });
    setCount(cubes.length);

    let frame;
    const animate = () => {
      frame = requestAnimationFrame(animate);
      cubes.forEach((c, i) => { c.rotation.x += 0.01 * (i + 1); c.rotation.y += 0.01; });
      controls.update();
      renderer.render(scene, camera);
    };
    animate();
    return () => {
      cancelAnimationFrame(frame);
      controls.dispose();
      renderer.dispose();
      mount.removeChild(renderer.domElement);
    };
  }, []);

  return (
    <div className="p-4 bg-gray-900 min-h-screen text-gray-100">
      <h1 className="text-xl font-semibold mb-2">Rotating cubes</h1>
      <p className="text-sm text-gray-400 mb-4">{count} meshes · drag to orbit</p>
      <div id="scene" ref={mountRef} className="w-full rounded-lg overflow-hidden" />
    </div>
  );
}
